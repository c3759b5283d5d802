"""Distributed training for models with their own ``train_step`` (DML, MAXL).

mmengine's ``MMDistributedDataParallel`` runs its own training step (one
optimizer, one backward), so it cannot drive a model that updates several
networks with several optimizers in its ``train_step``. This wrapper lets the
model's ``train_step`` run unchanged and keeps the processes in step: it
starts every process from rank 0's parameters and buffers, and averages each
parameter's gradient over the processes as soon as backward has accumulated
it. Gradients computed with ``torch.autograd.grad`` (MAXL's virtual steps) are
intermediate values of one process and are not averaged; only what reaches
``.grad`` is.
"""
from typing import Any

import torch
import torch.nn as nn
from mmengine.dist import all_reduce, broadcast

from sskt.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class GradAllReduceWrapper(nn.Module):
    """Wrap a model whose ``train_step`` owns its optimizers, for multi-GPU.

    The DML and MAXL configs set it as their ``model_wrapper_cfg`` (the
    ``sskt.`` prefix is needed there: mmengine looks model wrappers up in its
    root registry). Batch-norm statistics are not synchronised (each process
    keeps its own, as ``SyncBN`` is off); the checkpoint holds rank 0's.
    Gradients are averaged one parameter at a time, which is simple and
    exact but slower than DDP's buckets.

    Args:
        module (nn.Module): The model (``BaseModel`` with ``train_step``).
        **kwargs: Accepted and ignored (the Runner passes DDP arguments such
            as ``device_ids``).
    """

    def __init__(self, module: nn.Module, **kwargs: Any) -> None:
        super().__init__()
        self.module = module
        for tensor in list(module.parameters()) + list(module.buffers()):
            broadcast(tensor.data, src=0)
        for param in module.parameters():
            if param.requires_grad:
                param.register_post_accumulate_grad_hook(self._average)

    def _average(self, param: torch.Tensor) -> None:
        """Average one parameter's gradient over the processes."""
        all_reduce(param.grad, op='mean')

    def train_step(self, data, optim_wrapper):
        """The model's own training step."""
        return self.module.train_step(data, optim_wrapper)

    def val_step(self, data):
        """The model's validation step."""
        return self.module.val_step(data)

    def test_step(self, data):
        """The model's test step."""
        return self.module.test_step(data)
