"""Models: target backbones, frozen sources, transfer necks, auxiliary heads,
losses, weight initialisers, the distillers that combine them, and a
torchvision classifier for training sources of one's own."""
from . import (backbones, classifiers, data_preprocessors, distillers, heads,
               losses, necks, sources, weight_init, weight_init_kinetics)

__all__ = [
    'backbones', 'classifiers', 'data_preprocessors', 'distillers', 'heads',
    'losses', 'necks', 'sources', 'weight_init', 'weight_init_kinetics'
]
from . import utils  # noqa: F401
