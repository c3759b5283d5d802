"""Hooks."""
from .class_count_check_hook import ClassCountCheckHook
from .non_finite_loss_hook import NonFiniteLossHook
from .rng_state_hook import RNGStateHook

__all__ = ['ClassCountCheckHook', 'NonFiniteLossHook', 'RNGStateHook']
