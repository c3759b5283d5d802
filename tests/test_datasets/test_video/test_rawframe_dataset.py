"""Tests of VideoRawframeDataset with the pipelines of the UCF-101 config."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from sskt.datasets.video import VideoRawframeDataset
from sskt.registry import DATASETS, MODELS
from sskt.utils.errors import MalformedFileError, MissingFileError
from tests.data.video import (grey_of, write_rawframe_dataset, write_rawframes)
from tests.helpers import REPO

CONFIG = osp.join(REPO, 'configs', '_base_', 'datasets', 'ucf101_rawframes.py')
#: (frame_dir, frames, label); 32 x 24 frames whose grey level tells the
#: frame number (tests/data/video.py).
VIDEOS = [('Jump/v_Jump_g01_c01', 40, 0), ('Run/v_Run_g01_c01', 10, 1),
          ('Zoom/v_Zoom_g01_c01', 60, 2)]


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('ucf101'))
    write_rawframe_dataset(root, 'ucf101', VIDEOS)
    return root


def build(root, loader, **overrides):
    cfg = Config.fromfile(CONFIG)[loader]['dataset']
    cfg.update(data_root=root, **overrides)
    with DefaultScope.overwrite_default_scope('sskt'):
        return DATASETS.build(cfg)


def frame_numbers(inputs):
    """The frame number of each frame of (N, 3, T, H, W) uint8 inputs."""
    assert inputs.dtype == torch.uint8
    greys = inputs.float().mean(dim=(1, 3, 4))  # N x T
    assert (inputs.float() - greys[:, None, :, None, None]).abs().max() <= 3
    return (greys / 4).round().long().tolist()  # grey_of(k) = 4 k


def test_train_pipeline(root):
    ds = build(root, 'train_dataloader')
    assert isinstance(ds, VideoRawframeDataset) and len(ds) == 3
    assert ds.get_data_info(0)['frame_dir'] == osp.join(
        root, 'rawframes', 'Jump/v_Jump_g01_c01')
    for i, (_, frames, label) in enumerate(VIDEOS):
        sample = ds[i]
        assert sample['inputs'].shape == (1, 3, 16, 112, 112)
        assert sample['data_samples'].gt_labels.item.item() == label
        [numbers] = frame_numbers(sample['inputs'])
        if frames < 16:  # looped from the start
            assert numbers == list(range(1, 11)) + list(range(1, 7))
        else:  # 16 consecutive frames from a random start
            assert numbers == list(range(numbers[0], numbers[0] + 16))
            assert 1 <= numbers[0] <= frames - 15


def test_val_pipeline_one_sample_per_clip(root):
    ds = build(root, 'val_dataloader')
    # 40 frames: step ceil(23 / 2) = 12 -> starts 0, 12, 24, 36 (4 clips);
    # 10 frames: step 1 -> 9 clips; 60 frames: step 22 -> 0, 22, 44
    starts = [ds.get_data_info(i)['clip_start'] for i in range(len(ds))]
    assert starts == [0, 12, 24, 36] + list(range(9)) + [0, 22, 44]
    assert [ds.get_data_info(i)['video_index']
            for i in range(len(ds))] == [0] * 4 + [1] * 9 + [2] * 3
    expected = {
        3: list(range(37, 41)) * 4,  # last clip of 40 frames, looped
        12: [9, 10] * 8,  # the 9th clip of the 10-frame video
        15: list(range(45, 61)),  # the 3rd clip of the 60-frame video
    }
    for i, numbers in expected.items():
        sample = ds[i]
        assert sample['inputs'].shape == (1, 3, 16, 112, 112)
        assert frame_numbers(sample['inputs']) == [numbers]
        meta = sample['data_samples'].metainfo
        assert meta['num_clips'] == 1 and meta['img_shape'] == (112, 112)
    assert ds[15]['data_samples'].gt_labels.item.item() == 2


def test_test_pipeline_all_clips(root):
    ds = build(root, 'test_dataloader')
    assert len(ds) == 3
    sample = ds[0]  # 40 frames: 3 clips, the last looped with its own frames
    assert sample['inputs'].shape == (3, 3, 16, 112, 112)
    assert frame_numbers(sample['inputs']) == [
        list(range(1, 17)),
        list(range(17, 33)),
        list(range(33, 41)) * 2,
    ]
    assert sample['data_samples'].metainfo['num_clips'] == 3
    assert ds[1]['inputs'].shape[0] == 1  # 10 frames
    assert ds[2]['inputs'].shape[0] == 4  # 60 frames: 0, 16, 32, 48


def test_data_preprocessor_subtracts_the_activitynet_mean(root):
    ds = build(root, 'val_dataloader')
    cfg = Config.fromfile(CONFIG).data_preprocessor
    with DefaultScope.overwrite_default_scope('sskt'):
        preprocessor = MODELS.build(cfg)
    batch = preprocessor(
        dict(
            inputs=[ds[15]['inputs'], ds[14]['inputs']],
            data_samples=[ds[15]['data_samples'], ds[14]['data_samples']]))
    inputs = batch['inputs']
    assert inputs.shape == (2, 1, 3, 16, 112, 112)
    mean = torch.tensor([114.7748, 107.7354, 99.4750])
    first = inputs[0, 0, :, 0].mean(dim=(1, 2))  # frame 45, per channel
    assert torch.allclose(first, grey_of(45) - mean, atol=3)


def test_hmdb51_config_differs_only_in_the_files():
    ucf = Config.fromfile(CONFIG)
    hmdb = Config.fromfile(CONFIG.replace('ucf101', 'hmdb51'))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        a, b = ucf[loader].dataset, hmdb[loader].dataset
        assert b.data_root == 'data/hmdb51' and b.dataset_name == 'HMDB51'
        assert b.ann_file == a.ann_file.replace('ucf101', 'hmdb51')
        assert b.pipeline == a.pipeline
        assert hmdb[loader].batch_size == ucf[loader].batch_size
    assert hmdb.test_dataloader.batch_size == 1
    assert hmdb.val_evaluator == ucf.val_evaluator
    assert hmdb.test_evaluator.type == 'VideoAccuracy'


# ------------------------------------------------------------------ errors
def make_list(tmp_path, text, frames=40):
    write_rawframes(str(tmp_path / 'frames' / 'A' / 'v1'), frames, 8, 6)
    path = tmp_path / 'list.txt'
    path.write_text(text)
    return dict(
        ann_file=str(path),
        data_prefix=dict(img=str(tmp_path / 'frames')),
        dataset_name='UCF101')


def test_missing_list(tmp_path):
    with pytest.raises(MissingFileError) as info:
        VideoRawframeDataset(ann_file=str(tmp_path / 'nope.txt'))
    msg = str(info.value)
    assert f'{tmp_path / "nope.txt"} does not exist' in msg
    assert 'ucf101_lists.py' in msg and 'docs/dataset_prepare.md' in msg


def test_missing_frame_folder(tmp_path):
    kwargs = make_list(tmp_path, 'A/v1 40 0\n\nA/v2 30 1\n')
    with pytest.raises(MissingFileError) as info:
        VideoRawframeDataset(**dict(kwargs, dataset_name='HMDB51'))
    msg = str(info.value)
    assert msg.startswith(f'HMDB51: {tmp_path / "frames" / "A" / "v2"} '
                          'does not exist (listed on line 3 of ')
    assert 'extract_frames.py' in msg and 'docs/dataset_prepare.md' in msg
    # check_frames=False defers the failure to loading
    assert len(VideoRawframeDataset(**kwargs, check_frames=False)) == 2


def test_frame_count_or_template_mismatch(tmp_path):
    kwargs = make_list(tmp_path, 'A/v1 41 0\n')
    with pytest.raises(MissingFileError) as info:
        VideoRawframeDataset(**kwargs)
    msg = str(info.value)
    assert str(tmp_path / 'frames' / 'A' / 'v1' / 'img_00041.jpg') in msg
    assert 'frame 41 of the 41 listed on line 1' in msg
    kwargs['ann_file'] = str(tmp_path / 'ok.txt')
    (tmp_path / 'ok.txt').write_text('A/v1 40 0\n')
    with pytest.raises(MissingFileError, match="image_00001.jpg does not"):
        VideoRawframeDataset(**kwargs, filename_tmpl='image_{:05d}.jpg')
    assert len(VideoRawframeDataset(**kwargs)) == 1


@pytest.mark.parametrize('text, problem', [
    ('A/v1 forty 0\n', "has line 1 'A/v1 forty 0'"),
    ('A/v1\n', "has line 1 'A/v1'"),
    ('A/v1 40 0 1\n', 'no spaces in folder names'),
    ('A/v1 0 0\n', 'with 0 frames on line 1'),
])
def test_malformed_list(tmp_path, text, problem):
    kwargs = make_list(tmp_path, text)
    with pytest.raises(MalformedFileError) as info:
        VideoRawframeDataset(**kwargs)
    assert problem in str(info.value)
    assert str(info.value).startswith(f'UCF101: {tmp_path / "list.txt"} ')


def test_bad_clips_per_video(tmp_path):
    kwargs = make_list(tmp_path, 'A/v1 40 0\n')
    with pytest.raises(ValueError, match='clips_per_video'):
        VideoRawframeDataset(**kwargs, clips_per_video=1)
