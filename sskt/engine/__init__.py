"""Engine pieces: hooks, safe checkpoint loading, launch helpers."""
from .hooks import *  # noqa: F401,F403
from .launch import enable_amp, prepare_cpu_distributed
from .safe_loading import register_safe_globals

register_safe_globals()

__all__ = ['enable_amp', 'prepare_cpu_distributed', 'register_safe_globals']
