"""Bad samples and empty datasets are one paragraph (dataset_guards.py).

A bad VOC image or a lost frame reaches the caller of a ``DataLoader`` as the
same one-line ``DataSampleError`` with ``num_workers`` 0 and 2; a dataset
left without samples is an ``EmptyDatasetError`` naming the setting.
"""
import gc
import os
import os.path as osp
import pickle

import numpy as np
import pytest
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope
from torch.utils.data import DataLoader
from torch.utils.data import _utils as torch_data_utils

from sskt.datasets import CIFAR10, VOC, Digits
from sskt.datasets.verify import verify_samples
from sskt.datasets.video import VideoRawframeDataset
from sskt.registry import DATASETS, TRANSFORMS
from sskt.utils.errors import DataSampleError, EmptyDatasetError
from tests.data.cifar import write_cifar10
from tests.data.video import write_rawframes
from tests.data.voc import write_voc

VOC_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.PackInputs')
]
VIDEO_PIPELINE = [
    dict(
        type='mmaction.SampleFrames',
        clip_len=8,
        frame_interval=1,
        num_clips=1,
        test_mode=True),
    dict(type='mmaction.RawFrameDecode'),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='mmaction.PackActionInputs'),
]
IDS = ['000001', '000002', '000003']


def replace_with_random_bytes(path: str) -> None:
    with open(path, 'wb') as f:
        f.write(np.random.RandomState(0).bytes(500))


def truncate(path: str) -> None:
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def voc_dataset(root: str, **kwargs) -> VOC:
    with DefaultScope.overwrite_default_scope('sskt'):
        return DATASETS.build(
            dict(type='VOC', data_root=root, pipeline=VOC_PIPELINE, **kwargs))


def video_dataset(tmp_path, lines: str, **kwargs) -> VideoRawframeDataset:
    (tmp_path / 'list.txt').write_text(lines)
    with DefaultScope.overwrite_default_scope('sskt'):
        return VideoRawframeDataset(
            ann_file=str(tmp_path / 'list.txt'),
            data_prefix=dict(img=str(tmp_path / 'frames')),
            pipeline=VIDEO_PIPELINE,
            dataset_name='UCF101',
            **kwargs)


def bad_voc(tmp_path, damage):
    """VOC whose second image is damaged; (dataset, bad path)."""
    root = str(tmp_path / 'VOC2007')
    written = write_voc(root, {'trainval': IDS})
    damage(written[IDS[1]].img_path)
    return voc_dataset(root), written[IDS[1]].img_path


def video_missing_middle_frame(tmp_path):
    """Second video lacks frame 4 of 8 (construction checks only 1 and 8)."""
    for name in ('A/v1', 'B/v2'):
        write_rawframes(str(tmp_path / 'frames' / name), 8)
    lost = str(tmp_path / 'frames' / 'B' / 'v2' / 'img_00004.jpg')
    os.remove(lost)
    return video_dataset(tmp_path, 'A/v1 8 0\nB/v2 8 1\n'), lost


CASES = {
    'voc random bytes': (lambda t: bad_voc(t, replace_with_random_bytes),
                         'VOC', 'cannot be decoded by OpenCV (500 bytes'),
    'voc truncated':
    (lambda t: bad_voc(t, truncate), 'VOC', 'cannot be decoded by OpenCV'),
    'video missing middle frame':
    (video_missing_middle_frame, 'UCF101', 'does not exist'),
}


@pytest.fixture
def quick_worker_shutdown(monkeypatch):
    """Stop the workers of a loader that raised in 0.1 s, not 10 s.

    Such a loader's iterator sits in a reference cycle; when the cycle
    collector frees it, its queues are already closed, so its workers never
    get the stop signal and PyTorch waits ``MP_STATUS_CHECK_INTERVAL`` (5 s)
    for each before terminating it.
    """
    monkeypatch.setattr(torch_data_utils, 'MP_STATUS_CHECK_INTERVAL', 0.1)
    yield
    gc.collect()


def load_all(dataset, num_workers: int) -> str:
    """The message of the DataSampleError that loading every sample raises."""
    loader = DataLoader(
        dataset,
        batch_size=1,
        num_workers=num_workers,
        collate_fn=pseudo_collate)
    with pytest.raises(DataSampleError) as info:
        for _ in loader:
            pass
    return str(info.value)


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_sample_is_one_paragraph_with_and_without_workers(
        case, tmp_path, quick_worker_shutdown):
    make, name, problem = CASES[case]
    dataset, bad_path = make(tmp_path)
    in_process = load_all(dataset, num_workers=0)
    from_worker = load_all(dataset, num_workers=2)
    assert from_worker == in_process
    assert in_process.startswith(f'{name}: sample 1 cannot be loaded: '
                                 f'{bad_path} {problem}')
    assert 'verify_dataset.py' in in_process
    assert '\n' not in in_process
    assert 'Traceback' not in in_process
    assert 'worker process' not in in_process


@TRANSFORMS.register_module(force=True)
class _BrokenTransform:
    """A pipeline bug: fails on every sample, whatever the data."""

    def __call__(self, results):
        raise KeyError('a bug in a transform')


def test_sound_sample_keeps_the_original_error(tmp_path):
    root = str(tmp_path / 'VOC2007')
    write_voc(root, {'trainval': IDS[:1]})
    with DefaultScope.overwrite_default_scope('sskt'):
        dataset = DATASETS.build(
            dict(
                type='VOC',
                data_root=root,
                pipeline=[
                    dict(type='LoadImageFromFile'),
                    dict(type='_BrokenTransform')
                ]))
    with pytest.raises(KeyError, match='a bug in a transform'):
        dataset[0]


def test_cifar_without_images(tmp_path):
    write_cifar10(str(tmp_path), num_train_per_batch=1)
    empty = {b'data': np.zeros((0, 3072), np.uint8), b'labels': []}
    for b in range(1, 6):  # the official keys, 0 images
        path = tmp_path / 'cifar-10-batches-py' / f'data_batch_{b}'
        path.write_bytes(pickle.dumps(empty, protocol=2))
    with pytest.raises(EmptyDatasetError) as info:
        CIFAR10(data_root=str(tmp_path), split='train')
    message = str(info.value)
    assert message.startswith('CIFAR10: data_batch_1, data_batch_2, ')
    assert "hold no image, so split='train' has no sample" in message


@pytest.mark.parametrize('indices', [0, []])
def test_indices_keeping_nothing(tmp_path, indices):
    write_cifar10(str(tmp_path), num_train_per_batch=1, num_test=2)
    with pytest.raises(EmptyDatasetError) as info:
        CIFAR10(data_root=str(tmp_path), split='test', indices=indices)
    assert str(info.value).startswith(
        f'CIFAR10: indices={indices!r} keeps none of the 2 samples of '
        f"split='test' in {tmp_path}")
    assert 'train_dataloader.dataset.indices=100' in str(info.value)


def test_empty_voc_split_list(tmp_path):
    root = str(tmp_path / 'VOC2007')
    write_voc(root, {'trainval': IDS[:1], 'val': []})
    with pytest.raises(EmptyDatasetError) as info:
        voc_dataset(root, split='val')
    path = osp.join(root, 'ImageSets', 'Main', 'val.txt')
    assert str(info.value).startswith(
        f"VOC: {path} lists no image id, so split='val' has no sample")


def test_empty_rawframe_list(tmp_path):
    with pytest.raises(EmptyDatasetError) as info:
        video_dataset(tmp_path, '\n\n')
    assert str(info.value).startswith(
        f'UCF101: {tmp_path / "list.txt"} lists no video, so the dataset '
        'has no sample; write the rawframe lists with')


def test_every_array_record_is_checked(tmp_path):
    written = write_cifar10(str(tmp_path), num_train_per_batch=2)
    dataset = CIFAR10(
        data_root=str(tmp_path), split='train', serialize_data=False)
    assert verify_samples(dataset).problems == []
    dataset.data_list[3]['img'] = np.zeros((31, 32, 3), np.uint8)
    dataset.data_list[4]['gt_label'] = 10
    batch_2 = osp.join(written['folder'], 'data_batch_2')
    batch_3 = osp.join(written['folder'], 'data_batch_3')
    report = verify_samples(dataset)
    assert report.checked == 10
    assert report.problems == [
        (f'record 1 of {batch_2}', 'has img of shape (31, 32, 3) and dtype '
         'uint8, expected (32, 32, 3) uint8'),
        (f'record 0 of {batch_3}', 'has gt_label 10, expected an int in 0..9')
    ]
    assert dataset.sample_problems(4) == report.problems[1:]


def test_digits_records_name_their_source():
    dataset = Digits(split='test', indices=2, serialize_data=False)
    dataset.data_list[1]['img'] = dataset.data_list[1]['img'][..., :1]
    (where, problem), = dataset.sample_problems(1)
    assert where.startswith('sklearn.datasets.load_digits() image ')
    assert problem.startswith('has img of shape (32, 32, 1)')
