"""BatchedLogSyncHook: the logged floats come from one device-to-host copy
and mmengine's RuntimeInfoHook and LoggerHook log the same numbers."""
import copy
import tempfile
from unittest import mock

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.runner import Runner

from sskt.engine.hooks import BatchedLogSyncHook


def _outputs():
    return dict(
        loss=torch.tensor(1.25, requires_grad=True) * 2,
        loss_cls=torch.tensor(0.5, dtype=torch.float64),
        loss_aux_a=torch.tensor([0.125]),  # a one-element tensor too
        count=3)


def test_outputs_become_their_item_with_one_tolist_and_no_item():
    outputs = _outputs()
    expected = {
        k: v.item() if isinstance(v, torch.Tensor) else v
        for k, v in outputs.items()
    }
    calls = []
    tolist, item = torch.Tensor.tolist, torch.Tensor.item

    def counted(name, method):
        return lambda self: calls.append(name) or method(self)

    patch = mock.patch.object
    with patch(torch.Tensor, 'tolist', counted('tolist', tolist)), \
            patch(torch.Tensor, 'item', counted('item', item)):
        BatchedLogSyncHook().after_train_iter(None, 0, outputs=outputs)
    assert calls == ['tolist']  # one copy, no .item()
    assert outputs == expected  # 2.5, 0.5, 0.125 and the int, as is
    assert list(outputs) == ['loss', 'loss_cls', 'loss_aux_a', 'count']
    assert all(type(outputs[k]) is float for k in list(outputs)[:3])


class _ToyModel(BaseModel):
    """One weight; the losses are fixed functions of it."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor(1.0))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        x = inputs.float().mean()
        return dict(loss_a=self.weight * x, loss_b=(self.weight - 0.5)**2 * 3)


def _run(work_dir, hooks):
    data = [dict(inputs=torch.tensor([float(i)])) for i in range(1, 5)]
    runner = Runner(
        model=_ToyModel(),
        work_dir=work_dir,
        train_dataloader=dict(
            dataset=data,
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2,
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=2),
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=hooks,
        experiment_name=f'sync_{len(hooks)}_{id(hooks)}')
    runner.train()
    hub = runner.message_hub
    return runner, {
        key: hub.get_scalar(f'train/{key}').data[0].tolist()
        for key in ('loss', 'loss_a', 'loss_b')
    }


def test_a_run_logs_the_same_numbers_and_the_hook_runs_first():
    with tempfile.TemporaryDirectory() as plain_dir, \
            tempfile.TemporaryDirectory() as hook_dir:
        _, expected = _run(plain_dir, [])
        runner, got = _run(
            hook_dir, [copy.deepcopy(dict(type='sskt.BatchedLogSyncHook'))])
    assert got == expected and len(got['loss']) == 4
    names = [type(h).__name__ for h in runner.hooks]
    assert names.index('BatchedLogSyncHook') < names.index('RuntimeInfoHook')
