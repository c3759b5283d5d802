"""2-iteration KD, DML and MAXL runs through tools/train.py on a fixture."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from sskt.registry import MODELS
from tests.data.cifar import write_cifar10
from tests.helpers import REPO, load_tool

TEACHER_CONFIG = osp.join(REPO, 'configs', 'baselines', 'kd', 'teachers',
                          'r56_cifar10.py')


def _write_teacher(path):
    """An untrained ResNet-56 teacher saved as tools/train.py would."""
    with DefaultScope.overwrite_default_scope('sskt'):
        teacher = MODELS.build(Config.fromfile(TEACHER_CONFIG).model)
    torch.save({
        'meta': {
            'epoch': 200
        },
        'state_dict': teacher.state_dict()
    }, path)


def _options(work_dir, data_root):
    options = [
        f'work_dir={work_dir}', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1', 'train_dataloader.dataset.indices=4'
    ]
    for loader in ('train', 'val', 'test'):
        options += [
            f'{loader}_dataloader.dataset.data_root={data_root}',
            f'{loader}_dataloader.batch_size=2',
            f'{loader}_dataloader.num_workers=0'
        ]
    return options


@pytest.mark.parametrize('method', ['kd', 'dml', 'maxl'])
def test_two_iterations(method, tmp_path):
    write_cifar10(str(tmp_path / 'data'), 1, num_test=2)
    options = _options(tmp_path / 'work', tmp_path / 'data')
    if method == 'kd':
        _write_teacher(str(tmp_path / 'r56_cifar10.pth'))
        options += [
            f'model.teacher.config={TEACHER_CONFIG}',
            f'model.teacher.checkpoint={tmp_path / "r56_cifar10.pth"}'
        ]
    config = osp.join(REPO, 'configs', 'baselines', method, 'r20_cifar10.py')
    runner = load_tool('train.py').main([config, '--cfg-options'] + options)
    assert runner.iter == 2
    logged = set(runner.message_hub.log_scalars)
    expected = {
        'kd': {'train/loss_cls', 'train/loss_kd'},
        'dml': {
            'train/loss_ce_peer0', 'train/loss_kl_peer1',
            'val/peer1/accuracy/top1'
        },
        'maxl':
        {'train/loss_primary', 'train/loss_aux', 'train/loss_generator'},
    }[method]
    assert expected <= logged, logged
    assert (tmp_path / 'work' / 'epoch_1.pth').is_file()
