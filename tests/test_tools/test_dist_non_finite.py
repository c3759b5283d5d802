"""A NaN loss on one of 2 torchrun processes (gloo): both stop, or both skip.

The two launches run at the same time (each pays ~15 s of imports).
"""
import os
import socket
import subprocess
import sys

import pytest
import torch

from tests.helpers import DIGITS_CONFIG, REPO, tiny_digits_overrides

#: Rank 1's loss is NaN at iteration 3 (80 images over 2 ranks in batches
#: of 20: 2 iterations per epoch, so after epoch_1.pth).
CONFIG = f"""_base_ = ['{DIGITS_CONFIG}']
custom_imports = dict(
    imports=['tests.test_engine.non_finite_injection'],
    allow_failed_imports=False)
default_hooks = dict(
    inject=dict(type='InjectNonFiniteLoss', iters=[3], ranks=[1]),
    dump=dict(type='DumpRankState'))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _launch(config, work_dir, action):
    options = tiny_digits_overrides(str(work_dir), max_epochs=2)
    options['default_hooks.non_finite.action'] = action
    command = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
        '--master_port',
        str(_free_port()), 'tools/train.py',
        str(config), '--no-validate', '--launcher', 'pytorch', '--cfg-options'
    ] + [f'{key}={value}' for key, value in options.items()]
    env = dict(os.environ, OMP_NUM_THREADS='1', CUDA_VISIBLE_DEVICES='')
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True)


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp('dist_non_finite')
    config = root / 'inject_rank1.py'
    config.write_text(CONFIG)
    processes = {
        action: _launch(config, root / action, action)
        for action in ('stop', 'skip')
    }
    results = {}
    for action, process in processes.items():
        out, err = process.communicate(timeout=240)  # a hang fails here
        results[action] = (process.returncode, out, err, root / action)
    return results


def test_both_ranks_stop_at_the_same_iteration(runs):
    code, out, err, work_dir = runs['stop']
    assert code != 0
    paragraph = ('error: Training stopped at iteration 3 (epoch 2, batch 1): '
                 'the loss went non-finite (rank 1: loss=nan).')
    assert err.count(paragraph) == 2, err[-3000:]  # once per rank
    assert f'The last good checkpoint is {work_dir / "epoch_1.pth"}' in err
    assert not (work_dir / 'epoch_2.pth').exists()
    assert 'Epoch(train) [1][2/2]' in out
    assert 'Epoch(train) [2][1/2]' not in out


def test_both_ranks_skip_the_same_batch(runs):
    code, out, err, work_dir = runs['skip']
    assert code == 0, err[-3000:]
    assert 'Skipped iteration 3 (epoch 2, batch 1): the loss went ' \
           'non-finite (rank 1: loss=nan)' in out
    ranks = [
        torch.load(work_dir / f'rank{r}.pth', weights_only=True)
        for r in (0, 1)
    ]
    assert [rank['skipped'] for rank in ranks] == [1, 1]
    weights = ranks[0]['state_dict']
    for key, value in weights.items():
        if 'running' in key or 'num_batches' in key:
            continue  # each rank keeps its own batch-norm statistics
        assert torch.isfinite(value).all(), key
        assert torch.equal(value, ranks[1]['state_dict'][key]), key
