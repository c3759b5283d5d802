"""Test-only hooks: a NaN loss at chosen iterations, and their references.

Imported by the tests of :class:`sskt.engine.hooks.NonFiniteLossHook`, and
by ``tools/train.py`` under torchrun through ``custom_imports``
(``tests.test_engine.non_finite_injection``).
"""
import os
from typing import Optional, Sequence

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from sskt.registry import HOOKS


def _bare(model):
    """The model inside a DDP-style wrapper."""
    return getattr(model, 'module', model)


@HOOKS.register_module()
class InjectNonFiniteLoss(Hook):
    """Multiply the ``key`` loss by NaN at the given 1-based iterations.

    The graph stays connected, so backward yields NaN gradients, as a real
    blow-up would; the weights themselves are not touched.

    Args:
        iters (Sequence[int]): 1-based iterations to poison.
        ranks (Sequence[int], optional): Only on these ranks. Default: all.
        key (str): The loss to poison. Defaults to ``'loss'``.
    """

    def __init__(self,
                 iters: Sequence[int],
                 ranks: Optional[Sequence[int]] = None,
                 key: str = 'loss') -> None:
        self.iters = set(iters)
        self.ranks = None if ranks is None else set(ranks)
        self.key = key
        self._handle = None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 in self.iters and (self.ranks is None
                                              or get_rank() in self.ranks):
            self._handle = _bare(runner.model).register_forward_hook(
                self._poison)

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    def _poison(self, module, args, output):
        if isinstance(output, dict) and self.key in output:
            output[self.key] = output[self.key] * float('nan')
        return output


@HOOKS.register_module()
class NoUpdateAt(Hook):
    """The reference for skipping: no forward, no update at ``iters``.

    Args:
        iters (Sequence[int]): 1-based iterations whose batch is drawn from
            the dataloader but not trained on.
    """

    def __init__(self, iters: Sequence[int]) -> None:
        self.iters = set(iters)

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 in self.iters:
            runner.model.train_step = lambda data, optim_wrapper: {}

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        vars(runner.model).pop('train_step', None)


@HOOKS.register_module()
class DumpRankState(Hook):
    """Save each rank's weights and skip count as ``rank<r>.pth``."""

    def after_run(self, runner):
        hub = runner.message_hub
        skipped = hub.get_scalar('train/skipped_batches').current() \
            if 'train/skipped_batches' in hub.log_scalars else None
        torch.save(
            dict(state_dict=_bare(runner.model).state_dict(), skipped=skipped),
            os.path.join(runner.work_dir, f'rank{get_rank()}.pth'))


@HOOKS.register_module()
class PoisonBufferAfterEpoch(Hook):
    """Set one BN ``running_var`` to inf at the end of 1-based ``epoch``.

    Runs before the checkpoint hook (priority NORMAL), so the checkpoint of
    that epoch would hold a non-finite buffer while every loss was finite.

    Args:
        epoch (int): The epoch whose checkpoint is poisoned.
    """

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def after_train_epoch(self, runner) -> None:
        if runner.epoch + 1 == self.epoch:
            for module in _bare(runner.model).modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.running_var[0] = float('inf')
                    return
