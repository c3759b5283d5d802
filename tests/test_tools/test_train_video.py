"""2-iteration video runs through tools/train.py on generated rawframes."""
import os.path as osp

import pytest

from tests.data.checkpoints import write_torchvision_checkpoint
from tests.data.kinetics import write_hara_kinetics_checkpoint
from tests.data.video import write_rawframe_dataset
from tests.helpers import REPO, load_tool

#: 4-frame clips at 32 px instead of 16 at 112: the same code paths, fast.
SMALL = [
    'train_dataloader.dataset.pipeline.0.clip_len=4',
    'train_dataloader.dataset.pipeline.3.scale=(32,32)',
    'val_dataloader.dataset.clip_len=4',
    'val_dataloader.dataset.pipeline.0.clip_len=4',
    'val_dataloader.dataset.pipeline.2.scale=(-1,32)',
    'val_dataloader.dataset.pipeline.3.crop_size=32',
]


def _options(tmp_path):
    options = [
        f'work_dir={tmp_path / "work"}', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1'
    ] + SMALL
    for loader in ('train', 'val'):
        options += [
            f'{loader}_dataloader.dataset.data_root={tmp_path / "data"}',
            f'{loader}_dataloader.batch_size=2',
            f'{loader}_dataloader.num_workers=0'
        ]
    return options


#: Four short videos of two classes: two training iterations of batch 2.
VIDEOS = [(f'{c}/v_{c}_g0{i}_c01', 20, label)
          for c, label in (('Jump', 0), ('Run', 1)) for i in (1, 2)]


@pytest.mark.parametrize('config', [
    'baselines/scratch/r3d18_ucf101.py',
    'baselines/scratch/r3d18_ucf101_ft.py', 'sskt/r3d18_ucf101_pi.py'
])
def test_two_iterations(config, tmp_path):
    write_rawframe_dataset(str(tmp_path / 'data'), 'ucf101', VIDEOS)
    options = _options(tmp_path)
    if config.endswith('_ft.py'):
        path = str(tmp_path / 'resnet-18-kinetics.pth')
        write_hara_kinetics_checkpoint(path, depth=18, shortcut='A')
        options.append(f'model.backbone.init_cfg.checkpoint={path}')
    if config.startswith('sskt/'):
        for name, classes in (('imagenet', 10), ('places365', 5)):
            path = str(tmp_path / f'{name}.pth')
            write_torchvision_checkpoint(
                path, arch='mobilenet_v3_small', num_classes=classes)
            options += [
                f'model.sources.{name}.arch=mobilenet_v3_small',
                f'model.sources.{name}.num_classes={classes}',
                f'model.sources.{name}.checkpoint={path}',
                f'model.sources.{name}.adapter.size=32',
                'model.probe_input_shape=(3,4,32,32)',
            ]
    runner = load_tool('train.py').main(
        [osp.join(REPO, 'configs', config), '--cfg-options'] + options)
    assert runner.iter == 2
    logged = set(runner.message_hub.log_scalars)
    assert {'train/loss_cls', 'val/clip/top1', 'val/val_loss'} <= logged
    if config.startswith('sskt/'):
        assert {'train/loss_aux_imagenet',
                'train/loss_aux_places365'} <= logged
