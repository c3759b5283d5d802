"""Read every logged value of a training step in one device-to-host copy."""
from typing import Optional

import torch
from mmengine.hooks import Hook

from sskt.registry import HOOKS


@HOOKS.register_module()
class BatchedLogSyncHook(Hook):
    """Turn the step's logged tensors into floats with one copy.

    mmengine's ``RuntimeInfoHook`` calls ``.item()`` on every logged value,
    one GPU sync each. This hook runs before it (priority ``HIGHEST``; the
    RuntimeInfoHook is ``VERY_HIGH``) and replaces the tensors in the
    outputs, in place, by floats read with a single
    ``torch.stack(...).tolist()``; the hooks after it log the same numbers.
    Add it with ``custom_hooks = [dict(type='sskt.BatchedLogSyncHook')]``.
    """
    priority = 'HIGHEST'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Replace ``outputs``' scalar tensors by their float values."""
        if not outputs:
            return
        keys = [k for k, v in outputs.items() if isinstance(v, torch.Tensor)]
        if not keys:
            return
        values = torch.stack(
            [outputs[k].detach().float().reshape(()) for k in keys]).tolist()
        outputs.update(zip(keys, values))
