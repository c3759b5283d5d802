"""Models: target backbones and losses."""
from . import backbones, losses  # noqa: F401
