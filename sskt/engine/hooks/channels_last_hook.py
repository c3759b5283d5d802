"""Keep the model and its 4D input batches in channels-last format."""
from typing import Any

import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from sskt.registry import HOOKS


def channels_last_batch(module: nn.Module, args: Any, data: dict) -> dict:
    """A data preprocessor's output with a 4D ``inputs`` in channels-last.

    Registered with ``register_forward_hook`` on the preprocessor; 5D and 6D
    video batches pass unchanged.
    """
    inputs = data.get('inputs') if isinstance(data, dict) else None
    if isinstance(inputs, torch.Tensor) and inputs.dim() == 4:
        data['inputs'] = inputs.contiguous(memory_format=torch.channels_last)
    return data


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Channels-last memory format for the model and every image batch.

    Faster convolutions on tensor-core GPUs. mmengine's data preprocessors
    have no memory-format option, so before the run this hook converts the
    model's 4D weights (the target, the branches and, through
    :class:`FrozenModelsMixin`, the sources) and adds a forward hook to the
    model's data preprocessor that returns 4D batches in channels-last, in
    training, validation and test. Add it with
    ``custom_hooks = [dict(type='sskt.ChannelsLastHook')]``; image models
    only (a 5D weight has no channels-last format).
    """
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        """Convert the model and hook its data preprocessor."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        model.to(memory_format=torch.channels_last)
        model.data_preprocessor.register_forward_hook(channels_last_batch)
