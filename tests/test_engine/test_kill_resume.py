"""A SIGKILL at any point of a save or a validation costs at most an epoch.

Each case kills a training run at a named point (see ``kill_points.py``),
resumes it with ``tools/train.py --resume`` and compares the outcome bit for
bit with one uninterrupted reference run: final weights, optimizer and
scheduler states, the best checkpoint (name and weights) and every logged
loss and validation value. The same kill against mmengine's stock
``CheckpointHook`` must not come out equal: that is what the case guards.
All runs keep a single checkpoint (``max_keep_ckpts=1``), the hardest case.
"""
import glob
import json
import multiprocessing
import os.path as osp
import signal
from typing import Dict, Tuple

import pytest
import torch

from tests.helpers import load_tool, tiny_digits_overrides
from tests.test_engine.kill_points import train_until_killed

MAX_EPOCHS = 3
#: r20_digits with a random flip in validation (see the file)
CONFIG = osp.join(osp.dirname(__file__), 'kill_config.py')


@pytest.fixture(scope='module')
def train_tool():
    return load_tool('train.py')


@pytest.fixture(scope='module')
def forkserver():
    context = multiprocessing.get_context('forkserver')
    context.set_forkserver_preload(['tests.test_engine.kill_points'])
    return context


def _argv(work_dir, hook: str = 'SafeCheckpointHook'):
    overrides = tiny_digits_overrides(
        str(work_dir), max_epochs=MAX_EPOCHS, per_class=8)
    overrides.update({
        'randomness.deterministic': True,
        'train_dataloader.batch_size': 16,
        # 60 test images of every class (the split is sorted by class)
        'val_dataloader.dataset.indices': list(range(0, 540, 9)),
        'default_hooks.checkpoint.type': hook,
        'default_hooks.checkpoint.max_keep_ckpts': 1,
        'log_level': 'WARNING',
    })
    return [CONFIG, '--cfg-options'] + [
        f'{key}={value}'.replace(' ', '') for key, value in overrides.items()
    ]


def _logged(work_dir) -> Dict[Tuple[str, int], float]:
    """Every logged loss, lr and accuracy, by (key, step), over all runs.

    A value logged twice (an epoch trained again after a kill) must be
    logged with the same value; a disagreement is kept as NaN, so it never
    compares equal.
    """
    logged = {}
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                for key in ('loss', 'lr', 'accuracy/top1', 'val_loss'):
                    if key in entry:
                        slot = (key, entry['step'])
                        value = entry[key]
                        if logged.get(slot, value) != value:
                            value = float('nan')
                        logged[slot] = value
    return logged


def _outcome(work_dir) -> dict:
    """What a finished run leaves: its states, best checkpoint and logs."""
    final = torch.load(
        osp.join(work_dir, f'epoch_{MAX_EPOCHS}.pth'), weights_only=True)
    best = glob.glob(osp.join(work_dir, 'best_*.pth'))
    assert len(best) <= 1, best
    return dict(
        state_dict=final['state_dict'],
        optimizer=final['optimizer'],
        param_schedulers=final['param_schedulers'],
        best_name=[osp.basename(p) for p in best],
        best_state=[
            torch.load(p, weights_only=True)['state_dict'] for p in best
        ],
        best_score=final['message_hub']['runtime_info'].get('best_score'),
        logged=_logged(work_dir))


def _differences(a, b, where='') -> list:
    """Where two nested outcomes differ (tensors compared bit for bit)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        same = (
            isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
            and a.dtype == b.dtype and torch.equal(a, b))
        return [] if same else [where]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f'{where} keys {set(a) ^ set(b)}']
        return [d for k in a for d in _differences(a[k], b[k], f'{where}.{k}')]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [f'{where} length']
        return [
            d for i, (x, y) in enumerate(zip(a, b))
            for d in _differences(x, y, f'{where}[{i}]')
        ]
    return [] if a == b else [f'{where}: {a!r} != {b!r}']


@pytest.fixture(scope='module')
def reference(train_tool, tmp_path_factory):
    """The uninterrupted run, and the epochs the kills aim at."""
    work_dir = tmp_path_factory.mktemp('uninterrupted')
    train_tool.main(_argv(work_dir))
    outcome = _outcome(str(work_dir))
    accuracy = [
        outcome['logged'][('accuracy/top1', epoch)]
        for epoch in range(1, MAX_EPOCHS + 1)
    ]
    improved = [
        epoch for epoch in range(2, MAX_EPOCHS + 1)
        if accuracy[epoch - 1] > max(accuracy[:epoch - 1])
    ]
    flat = [
        epoch for epoch in range(2, MAX_EPOCHS + 1) if epoch not in improved
    ]
    # the cases need a new best that replaces an old one, and an epoch
    # without a new best (whose checkpoint mmengine never saves again)
    assert improved and flat, accuracy
    return dict(outcome=outcome, improved=improved[-1], flat=flat[0])


def _kill(point: str, reference: dict) -> dict:
    improved, flat = reference['improved'], reference['flat']
    return {
        # the first save of epoch_N.pth (the old one is still to be rotated)
        'partial_write':
        dict(point='partial_write', file=f'epoch_{flat}.pth', occurrence=1),
        # the re-save of epoch_N.pth after the validation that set a best
        'partial_resave':
        dict(
            point='partial_write', file=f'epoch_{improved}.pth', occurrence=2),
        # epoch N's checkpoint is in place, its validation has not started
        'in_place':
        dict(point='in_place', file=f'epoch_{flat}.pth'),
        'best_swap':
        dict(point='best_swap', epoch=improved),
        'validation':
        dict(point='validation', epoch=flat),
    }[point]


@pytest.mark.parametrize('hook', ['SafeCheckpointHook', 'CheckpointHook'])
@pytest.mark.parametrize(
    'point',
    ['partial_write', 'partial_resave', 'in_place', 'best_swap', 'validation'])
def test_a_killed_run_resumes_exactly(point, hook, reference, train_tool,
                                      forkserver, tmp_path):
    child = forkserver.Process(
        target=train_until_killed,
        args=(_argv(tmp_path, hook), _kill(point, reference)))
    child.start()
    child.join(180)
    assert child.exitcode == -signal.SIGKILL

    try:
        train_tool.main(_argv(tmp_path, hook) + ['--resume'])
        differences = _differences(
            _outcome(str(tmp_path)), reference['outcome'])
    except (SystemExit, Exception) as error:  # the stock hook's failures
        differences = [f'resume failed: {error!r}']
    if hook == 'SafeCheckpointHook':
        assert differences == []
    else:
        assert differences, 'the stock hook survived this kill too'
