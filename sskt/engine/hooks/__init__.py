"""Hooks."""
from .class_count_check_hook import ClassCountCheckHook
from .rng_state_hook import RNGStateHook

__all__ = ['ClassCountCheckHook', 'RNGStateHook']
