"""Engine pieces: hooks, safe checkpoint loading, launch helpers."""
from .hooks import *  # noqa: F401,F403
from .model_wrappers import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .config_parts import config_parts, drop_config_parts, is_config_part
from .config_text_cache import cached_config_text
from .launch import (add_common_arguments, default_work_dir,
                     disable_persistent_workers_without_workers, enable_amp,
                     load_config, load_tool_config, prepare_cpu_distributed)
from .resume import find_resume_checkpoint, read_training_checkpoint
from .safe_loading import (read_checkpoint, register_checkpoint_loaders,
                           register_safe_globals)
from .seed_runs import seed_work_dir, train_and_test

register_safe_globals()
register_checkpoint_loaders()

__all__ = [
    'add_common_arguments', 'cached_config_text', 'config_parts',
    'drop_config_parts', 'is_config_part', 'load_tool_config',
    'default_work_dir', 'disable_persistent_workers_without_workers',
    'enable_amp', 'find_resume_checkpoint', 'load_config',
    'prepare_cpu_distributed', 'read_checkpoint', 'read_training_checkpoint',
    'register_checkpoint_loaders', 'register_safe_globals', 'seed_work_dir',
    'train_and_test'
]
