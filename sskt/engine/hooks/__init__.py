"""Hooks."""
from .class_count_check_hook import ClassCountCheckHook
from .non_finite_loss_hook import NonFiniteLossHook
from .rng_state_hook import RNGStateHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = [
    'ClassCountCheckHook', 'NonFiniteLossHook', 'RNGStateHook',
    'SafeCheckpointHook'
]
