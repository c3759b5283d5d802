"""Engine pieces: hooks, safe checkpoint loading, launch helpers."""
from .hooks import *  # noqa: F401,F403
from .model_wrappers import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .launch import (add_common_arguments, default_work_dir,
                     disable_persistent_workers_without_workers, enable_amp,
                     load_config, load_tool_config, prepare_cpu_distributed)
from .safe_loading import register_safe_globals

register_safe_globals()

__all__ = [
    'add_common_arguments', 'load_tool_config', 'default_work_dir',
    'disable_persistent_workers_without_workers', 'enable_amp', 'load_config',
    'prepare_cpu_distributed', 'register_safe_globals'
]
