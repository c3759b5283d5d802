"""Tests of :mod:`sskt.datasets.cifar` on format-exact fixtures."""
import os
import os.path as osp
import pickle

import numpy as np
import pytest
from mmengine.registry import DefaultScope

from sskt.datasets import CIFAR10, CIFAR100
from sskt.registry import DATASETS
from tests.data.cifar import asymmetric_image, write_cifar10, write_cifar100

DOC = 'docs/dataset_prepare.md'


def _check_read_back(ds, imgs, labels):
    assert len(ds) == len(imgs)
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        assert info['img'].shape == (32, 32, 3)
        assert info['img'].dtype == np.uint8
        np.testing.assert_array_equal(info['img'], imgs[i])
        assert info['gt_label'] == labels[i]
        assert isinstance(info['gt_label'], int)


@pytest.mark.parametrize('split', ['train', 'test'])
def test_cifar10_read_back(tmp_path, split):
    written = write_cifar10(str(tmp_path))
    ds = CIFAR10(data_root=str(tmp_path), split=split)
    _check_read_back(ds, written[f'{split}_imgs'], written[f'{split}_labels'])
    assert ds.metainfo['classes'] == written['classes']
    # the first image is R = 8 * row, G = 8 * col: catches an H/W transpose
    img = ds.get_data_info(0)['img']
    np.testing.assert_array_equal(img, asymmetric_image())
    assert img[5, 0, 0] == 40 and img[0, 5, 0] == 0
    assert img[0, 5, 1] == 40 and img[5, 0, 1] == 0


@pytest.mark.parametrize('split', ['train', 'test'])
def test_cifar100_read_back(tmp_path, split):
    written = write_cifar100(str(tmp_path))
    ds = CIFAR100(data_root=str(tmp_path), split=split)
    _check_read_back(ds, written[f'{split}_imgs'], written[f'{split}_labels'])
    assert len(ds.metainfo['classes']) == 100
    assert ds.metainfo['classes'] == written['classes']


def test_cifar_defaults_and_bad_split(tmp_path):
    with pytest.raises(
            FileNotFoundError, match='data/cifar10/cifar-10-batches-py/'):
        CIFAR10()
    with pytest.raises(
            FileNotFoundError, match='data/cifar100/cifar-100-python/'):
        CIFAR100()
    with pytest.raises(ValueError, match='split'):
        CIFAR10(data_root=str(tmp_path), split='val')


def test_cifar_missing_file(tmp_path):
    written = write_cifar10(str(tmp_path))
    path = osp.join(written['folder'], 'data_batch_3')
    os.remove(path)
    with pytest.raises(FileNotFoundError) as e:
        CIFAR10(data_root=str(tmp_path))
    msg = str(e.value)
    assert path in msg and 'does not exist' in msg and DOC in msg
    assert 'CIFAR-10 python version' in msg
    CIFAR10(data_root=str(tmp_path), split='test')  # test split is intact


def test_cifar_not_a_pickle(tmp_path):
    written = write_cifar100(str(tmp_path))
    path = osp.join(written['folder'], 'meta')
    with open(path, 'wb') as f:
        f.write(b'not a pickle at all')
    with pytest.raises(ValueError, match='is not a readable CIFAR pickle'):
        CIFAR100(data_root=str(tmp_path))


def _rewrite(path, **changes):
    with open(path, 'rb') as f:
        entry = pickle.load(f, encoding='bytes')
    for key, value in changes.items():
        if value is None:
            entry.pop(key.encode())
        else:
            entry[key.encode()] = value
    with open(path, 'wb') as f:
        pickle.dump(entry, f, protocol=2)


def test_cifar_missing_key(tmp_path):
    written = write_cifar10(str(tmp_path))
    path = osp.join(written['folder'], 'test_batch')
    _rewrite(path, labels=None)
    with pytest.raises(ValueError) as e:
        CIFAR10(data_root=str(tmp_path), split='test')
    assert path in str(e.value) and "has no key b'labels'" in str(e.value)
    assert DOC in str(e.value)


def test_cifar_wrong_size(tmp_path):
    written = write_cifar10(str(tmp_path), num_test=4)
    path = osp.join(written['folder'], 'test_batch')
    _rewrite(path, data=np.zeros((4, 3000), np.uint8))
    with pytest.raises(ValueError, match='wrong size'):
        CIFAR10(data_root=str(tmp_path), split='test')
    _rewrite(path, data=np.zeros((4, 3072), np.uint8), labels=[0, 1, 2])
    with pytest.raises(ValueError, match="3 b'labels'"):
        CIFAR10(data_root=str(tmp_path), split='test')
    _rewrite(path, labels=[0, 1, 2, 10])
    with pytest.raises(ValueError, match='0..9'):
        CIFAR10(data_root=str(tmp_path), split='test')


def test_cifar_refuses_code_in_pickle(tmp_path):
    written = write_cifar10(str(tmp_path))
    path = osp.join(written['folder'], 'batches.meta')
    marker = tmp_path / 'pwned'
    with open(path, 'wb') as f:
        pickle.dump(_Exploit(str(marker)), f, protocol=2)
    with pytest.raises(ValueError, match='forbidden'):
        CIFAR10(data_root=str(tmp_path), split='test')
    assert not marker.exists()


class _Exploit:

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def test_cifar_verify_md5(tmp_path):
    written = write_cifar10(str(tmp_path))
    CIFAR10(data_root=str(tmp_path), split='test')  # no md5 check by default
    with pytest.raises(ValueError) as e:
        CIFAR10(data_root=str(tmp_path), split='test', verify=True)
    msg = str(e.value)
    assert 'md5' in msg and DOC in msg
    # the meta file is checked first and named exactly
    assert osp.join(written['folder'], 'batches.meta') in msg
    assert '5ff9c542aee3614f3951f8cda6e48888' in msg


def test_cifar_build_from_registry(tmp_path):
    written = {
        'CIFAR10': write_cifar10(str(tmp_path / 'CIFAR10')),
        'CIFAR100': write_cifar100(str(tmp_path / 'CIFAR100'))
    }
    with DefaultScope.overwrite_default_scope('sskt'):
        for name, out in written.items():
            ds = DATASETS.build(
                dict(
                    type=name,
                    data_root=str(tmp_path / name),
                    split='test',
                    pipeline=[dict(type='mmpretrain.PackInputs')]))
            assert type(ds).__module__ == 'sskt.datasets.cifar'
            sample = ds[0]
            assert tuple(sample['inputs'].shape) == (3, 32, 32)
            assert sample['data_samples'].gt_label.tolist() == [
                int(out['test_labels'][0])
            ]
