"""tools/train.py under torchrun with 2 CPU processes (gloo), with resume."""
import os
import socket
import subprocess
import sys

import torch

from tests.helpers import DIGITS_CONFIG, REPO, tiny_digits_overrides


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _torchrun_train(work_dir, max_epochs, *flags):
    options = tiny_digits_overrides(str(work_dir), max_epochs=max_epochs)
    options['randomness.deterministic'] = True
    command = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
        '--master_port',
        str(_free_port()), 'tools/train.py', DIGITS_CONFIG, '--launcher',
        'pytorch', *flags, '--cfg-options'
    ] + [f'{key}={value}' for key, value in options.items()]
    env = dict(os.environ, OMP_NUM_THREADS='1', CUDA_VISIBLE_DEVICES='')
    result = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_torchrun_two_processes_on_cpu_resume_exactly(tmp_path):
    log = _torchrun_train(tmp_path / 'split', 2)
    assert 'Distributed training: True' in log
    # 80 images over 2 ranks in batches of 20: 2 iterations per epoch
    assert 'Epoch(train) [2][2/2]' in log
    checkpoint = torch.load(
        tmp_path / 'split' / 'epoch_2.pth', weights_only=True)
    assert checkpoint['meta']['iter'] == 4
    assert len(checkpoint['rng_state']) == 2  # one state per rank

    log = _torchrun_train(tmp_path / 'split', 3, '--resume')
    assert 'resumed epoch: 2, iter: 4' in log
    _torchrun_train(tmp_path / 'straight', 3)

    resumed = torch.load(
        tmp_path / 'split' / 'epoch_3.pth', weights_only=True)['state_dict']
    straight = torch.load(
        tmp_path / 'straight' / 'epoch_3.pth', weights_only=True)['state_dict']
    for key in straight:
        assert torch.equal(resumed[key], straight[key]), key


RANK_DUMP = '''
import os
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from sskt.registry import HOOKS


@HOOKS.register_module()
class DumpRankWeights(Hook):
    def after_run(self, runner):
        model = getattr(runner.model, 'module', runner.model)
        torch.save(model.state_dict(),
                   os.path.join(runner.work_dir, f'rank{get_rank()}.pth'))
'''


def test_dml_peers_stay_in_sync_across_two_processes(tmp_path):
    (tmp_path / 'rank_dump.py').write_text(RANK_DUMP)
    dml = tmp_path / 'dml_digits.py'
    dml.write_text(f"""_base_ = ['{DIGITS_CONFIG}']
model = dict(_delete_=True, type='DML', peer={{{{_base_.model}}}})
optim_wrapper = dict(
    _delete_=True,
    constructor='SeparateOptimWrapperConstructor',
    target=dict(optimizer={{{{_base_.optim_wrapper.optimizer}}}}),
    peers=dict(
        each_child=True, optimizer={{{{_base_.optim_wrapper.optimizer}}}}))
model_wrapper_cfg = dict(type='sskt.GradAllReduceWrapper')
custom_imports = dict(imports=['rank_dump'], allow_failed_imports=False)
custom_hooks = [dict(type='RNGStateHook'), dict(type='DumpRankWeights')]
""")
    options = tiny_digits_overrides(str(tmp_path / 'work'), max_epochs=1)
    options['model.peer.backbone.depth'] = options.pop('model.backbone.depth')
    command = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
        '--master_port',
        str(_free_port()), 'tools/train.py',
        str(dml), '--launcher', 'pytorch', '--cfg-options'
    ] + [f'{key}={value}' for key, value in options.items()]
    env = dict(
        os.environ,
        OMP_NUM_THREADS='1',
        CUDA_VISIBLE_DEVICES='',
        PYTHONPATH=f'{tmp_path}:{os.environ.get("PYTHONPATH", "")}')
    result = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [
        torch.load(tmp_path / 'work' / f'rank{r}.pth', weights_only=True)
        for r in (0, 1)
    ]
    weights = [
        k for k in ranks[0] if 'running' not in k and 'num_batches' not in k
    ]
    # both peers: peer 0 is model.target, peer 1 model.peers.0
    assert any(k.startswith('target.') for k in weights)
    assert any(k.startswith('peers.0.') for k in weights)
    for key in weights:  # different batches, averaged gradients, same step
        assert torch.equal(ranks[0][key], ranks[1][key]), key
