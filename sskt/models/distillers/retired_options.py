"""SSKT options that moved out of the class, each with where it went.

The GPU switches became hooks (:mod:`sskt.engine.hooks`) and the
soft-label cache its own distiller (:class:`SSKTWithSoftLabelCache`), so
that ``SSKT`` holds the method only. A config that still sets one of the old
keys gets a :class:`ConfigError` that names the new setting.
"""
from typing import Dict

from sskt.utils.errors import ConfigError

#: Old ``model.<key>`` -> the config that replaces it.
RETIRED_OPTIONS: Dict[str, str] = {
    'channels_last':
    "custom_hooks=[dict(type='sskt.ChannelsLastHook')] (it converts the "
    'model and every batch)',
    'compile_target':
    "custom_hooks=[dict(type='sskt.CompileTargetHook')] (a dict of "
    'torch.compile options goes in its `options`)',
    'batched_log_sync':
    "custom_hooks=[dict(type='sskt.BatchedLogSyncHook')]",
    'soft_label_cache':
    "model=dict(type='SSKTWithSoftLabelCache', soft_label_cache=dict(...)) "
    '(the same keys)',
}


def refuse_retired_options(owner: str, options: Dict[str, object]) -> None:
    """Raise for an old option; other unknown keys are the caller's to refuse.

    The caller raises Python's ``TypeError`` for those from its own
    ``__init__``, where the config checks (:mod:`sskt.utils.build_errors`)
    look for it to name the nearest valid key.

    Args:
        owner (str): The class that got them, e.g. ``'SSKT'``.
        options (dict): The keyword arguments its signature did not name.

    Raises:
        ConfigError: For a key of :data:`RETIRED_OPTIONS`.
    """
    for key in options:
        if key in RETIRED_OPTIONS:
            raise ConfigError(
                f'model.{key} is no longer an option of {owner}: the GPU '
                'switches and the soft-label cache moved out of the method '
                f'class. Use {RETIRED_OPTIONS[key]} instead '
                '(configs/_base_/fast/gpu_fast_path.py shows them together).')
