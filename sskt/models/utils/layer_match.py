"""Which layers an ``init_cfg`` with a ``layer`` key applies to."""
from typing import Sequence

from torch import nn


def matches_layer(module: nn.Module, layers: Sequence[str]) -> bool:
    """Whether ``module``'s class or one of its direct bases is named.

    The rule of mmengine's initialisers: ``layer='Linear'`` selects every
    ``nn.Linear`` and every class derived directly from it.

    Args:
        module (nn.Module): A sub-module visited by ``module.apply``.
        layers (Sequence[str]): Class names from the ``layer`` key.

    Returns:
        bool: True if the module is one of ``layers``.
    """
    cls = type(module)
    names = {cls.__name__} | {base.__name__ for base in cls.__bases__}
    return bool(names & set(layers))
