"""2-iteration SSKT training runs through tools/train.py, one per family.

The datasets are fixtures in the official formats; the sources are tiny
torchvision networks saved in the real torchvision (ImageNet source) and CSAIL
(Places365 source) formats.
"""
import os.path as osp

import pytest
import torch

from tests.data.checkpoints import (write_csail_checkpoint,
                                    write_torchvision_checkpoint)
from tests.data.cifar import write_cifar10
from tests.data.stl10 import write_stl10
from tests.data.voc import write_voc
from tests.helpers import REPO, load_tool

SOURCE_ARCH = 'mobilenet_v3_small'  # a small torchvision net with BN
FAMILIES = {
    'r20_cifar10_pi.py':
    lambda root: write_cifar10(root, 1, num_test=2),
    'r20_stl10_pi.py':
    lambda root: write_stl10(
        root, num_train=4, num_test=2, splits=('train', 'test')),
    'r18_voc_pi.py':
    lambda root: write_voc(
        root, {
            'trainval': ['000001', '000002', '000003', '000004'],
            'test': ['000005', '000006']
        }),
    'r20_stl10_pi_faithful.py':
    lambda root: write_stl10(
        root, num_train=4, num_test=2, splits=('train', 'test')),
}


@pytest.fixture(scope='module')
def sources(tmp_path_factory):
    root = tmp_path_factory.mktemp('checkpoints')
    write_torchvision_checkpoint(
        str(root / 'imagenet.pth'), arch=SOURCE_ARCH, num_classes=10)
    write_csail_checkpoint(
        str(root / 'places365.pth.tar'), arch=SOURCE_ARCH, num_classes=5)
    return {
        'imagenet': (str(root / 'imagenet.pth'), 10),
        'places365': (str(root / 'places365.pth.tar'), 5)
    }


def _options(work_dir, data_root, sources):
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
    for name, (path, num_classes) in sources.items():
        options += [
            f'model.sources.{name}.arch={SOURCE_ARCH}',
            f'model.sources.{name}.num_classes={num_classes}',
            f'model.sources.{name}.checkpoint={path}'
        ]
    return ['--cfg-options'] + options


@pytest.mark.parametrize('config', sorted(FAMILIES))
def test_two_iterations_then_test_without_source_files(config, sources,
                                                       tmp_path):
    data_root = tmp_path / 'data'
    FAMILIES[config](str(data_root))
    config_path = osp.join(REPO, 'configs', 'sskt', config)
    work_dir = tmp_path / 'work'
    runner = load_tool('train.py').main([config_path] +
                                        _options(work_dir, data_root, sources))
    assert runner.iter == 2
    logged = runner.message_hub.log_scalars
    assert {
        'train/loss_cls', 'train/loss_aux_imagenet', 'train/loss_aux_places365'
    } <= set(logged)

    checkpoint = torch.load(work_dir / 'epoch_1.pth', weights_only=True)
    keys = checkpoint['state_dict'].keys()
    assert any(k.startswith('target.') for k in keys)
    assert any(k.startswith('aux_branches.places365') for k in keys)
    assert not any('sources' in k or '.net.' in k for k in keys)

    # testing needs the target only: the source files may be gone
    gone = {
        name: (str(tmp_path / f'missing_{name}.pth'), classes)
        for name, (_, classes) in sources.items()
    }
    metrics = load_tool('test.py').main(
        [config_path, str(work_dir / 'epoch_1.pth')] +
        _options(work_dir, data_root, gone))
    assert metrics
