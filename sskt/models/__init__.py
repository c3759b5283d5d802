"""Models: target backbones, heads, losses (and later sources, necks, distillers)."""
from . import backbones, losses  # noqa: F401
