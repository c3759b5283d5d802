"""Models: target backbones, frozen sources, transfer necks, auxiliary heads,
losses, weight initialisers and the distillers that combine them."""
from . import (backbones, distillers, heads, losses, necks, sources,
               weight_init, weight_init_kinetics)

__all__ = [
    'backbones', 'distillers', 'heads', 'losses', 'necks', 'sources',
    'weight_init', 'weight_init_kinetics'
]
