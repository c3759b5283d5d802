"""Hooks."""
from .batched_log_sync_hook import BatchedLogSyncHook
from .channels_last_hook import ChannelsLastHook
from .class_count_check_hook import ClassCountCheckHook
from .compile_target_hook import CompileTargetHook
from .non_finite_loss_hook import NonFiniteLossHook
from .rng_state_hook import RNGStateHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = [
    'BatchedLogSyncHook', 'ChannelsLastHook', 'ClassCountCheckHook',
    'CompileTargetHook', 'NonFiniteLossHook', 'RNGStateHook',
    'SafeCheckpointHook'
]
