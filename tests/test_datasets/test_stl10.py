"""Tests of :mod:`sskt.datasets.stl10` on format-exact fixtures."""
import os
import os.path as osp
import pickle

import numpy as np
import pytest
from mmengine.registry import DefaultScope

from sskt.datasets import STL10
from sskt.registry import DATASETS
from tests.data.cifar import asymmetric_image
from tests.data.stl10 import write_stl10

DOC = 'docs/dataset_prepare.md'


@pytest.mark.parametrize('split', ['train', 'test', 'unlabeled'])
def test_stl10_read_back(tmp_path, split):
    written = write_stl10(str(tmp_path))
    ds = STL10(data_root=str(tmp_path), split=split)
    imgs = written[f'{split}_imgs']
    labels = written.get(f'{split}_labels', [-1] * len(imgs))
    assert len(ds) == len(imgs)
    assert ds.metainfo['classes'] == written['classes']
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        assert info['img'].shape == (96, 96, 3)
        assert info['img'].dtype == np.uint8
        np.testing.assert_array_equal(info['img'], imgs[i])
        assert info['gt_label'] == labels[i]
    # the first image is R = 8 * row, G = 8 * col: catches an H/W transpose
    img = ds.get_data_info(0)['img']
    np.testing.assert_array_equal(img, asymmetric_image(96))
    assert img[5, 0, 0] == 40 and img[0, 5, 0] == 0


def test_stl10_unlabeled_is_lazy_and_only_read_when_asked(tmp_path):
    write_stl10(str(tmp_path), splits=('train', 'test'))
    STL10(data_root=str(tmp_path), split='train')
    STL10(data_root=str(tmp_path), split='test')
    with pytest.raises(FileNotFoundError, match='unlabeled_X.bin'):
        STL10(data_root=str(tmp_path), split='unlabeled')

    write_stl10(str(tmp_path / 'full'))
    ds = STL10(data_root=str(tmp_path / 'full'), split='unlabeled')
    assert ds._unlabeled is None  # nothing decoded until a sample is asked
    ds.get_data_info(1)
    assert isinstance(ds._unlabeled, np.memmap)
    clone = pickle.loads(pickle.dumps(ds))
    assert clone._unlabeled is None
    np.testing.assert_array_equal(
        clone.get_data_info(2)['img'],
        ds.get_data_info(2)['img'])


def test_stl10_fold(tmp_path):
    written = write_stl10(str(tmp_path), num_train=8, fold_size=3)
    for k in (0, 9):
        ds = STL10(data_root=str(tmp_path), split='train', fold=k)
        keep = written['folds'][k]
        assert len(ds) == 3
        for i, j in enumerate(keep):
            info = ds.get_data_info(i)
            np.testing.assert_array_equal(info['img'],
                                          written['train_imgs'][j])
            assert info['gt_label'] == written['train_labels'][j]


@pytest.mark.parametrize('kwargs', [
    dict(split='test', fold=0),
    dict(split='unlabeled', fold=1),
    dict(split='train', fold=10),
    dict(split='val'),
])
def test_stl10_bad_arguments(tmp_path, kwargs):
    with pytest.raises(ValueError, match='STL10'):
        STL10(data_root=str(tmp_path), **kwargs)


def _error(tmp_path, exc, split='train', fold=None):
    with pytest.raises(exc) as e:
        STL10(data_root=str(tmp_path), split=split, fold=fold)
    assert DOC in str(e.value)
    return str(e.value)


def test_stl10_missing_files(tmp_path):
    written = write_stl10(str(tmp_path))
    for name in ('class_names.txt', 'train_X.bin', 'train_y.bin'):
        path = osp.join(written['folder'], name)
        os.rename(path, path + '.bak')
        msg = _error(tmp_path, FileNotFoundError)
        assert path in msg and 'does not exist' in msg and 'STL-10' in msg
        os.rename(path + '.bak', path)
    os.remove(osp.join(written['folder'], 'fold_indices.txt'))
    STL10(data_root=str(tmp_path))  # folds are only read with fold=k
    msg = _error(tmp_path, FileNotFoundError, fold=0)
    assert 'fold_indices.txt does not exist' in msg


def test_stl10_wrong_sizes(tmp_path):
    written = write_stl10(str(tmp_path), num_train=4)
    folder = written['folder']
    with open(osp.join(folder, 'test_X.bin'), 'ab') as f:
        f.write(b'\0' * 5)
    msg = _error(tmp_path, ValueError, split='test')
    assert osp.join(folder, 'test_X.bin') in msg and 'wrong size' in msg
    np.array([1, 2, 3], np.uint8).tofile(osp.join(folder, 'train_y.bin'))
    msg = _error(tmp_path, ValueError)
    assert osp.join(folder, 'train_y.bin') in msg and 'wrong size' in msg
    np.array([1, 0, 3, 11], np.uint8).tofile(osp.join(folder, 'train_y.bin'))
    assert 'outside 1..10 at records (label) 1 (0), 3 (11).' in _error(
        tmp_path, ValueError)


def test_stl10_malformed_text_files(tmp_path):
    written = write_stl10(str(tmp_path), num_train=4)
    folder = written['folder']
    with open(osp.join(folder, 'fold_indices.txt'), 'w') as f:
        f.write('0 1\n2 x\n0 4\n')
    assert 'no line 1' in _error(tmp_path, ValueError, fold=1)
    assert 'no line 5' in _error(tmp_path, ValueError, fold=5)
    assert 'outside 0..3' in _error(tmp_path, ValueError, fold=2)
    with open(osp.join(folder, 'class_names.txt'), 'w') as f:
        f.write('cat\ndog\n')
    assert '2 class names' in _error(tmp_path, ValueError)


def test_stl10_build_from_registry(tmp_path):
    written = write_stl10(str(tmp_path))
    with DefaultScope.overwrite_default_scope('sskt'):
        for split in ('train', 'unlabeled'):
            ds = DATASETS.build(
                dict(
                    type='STL10',
                    data_root=str(tmp_path),
                    split=split,
                    pipeline=[dict(type='mmpretrain.PackInputs')]))
            assert type(ds) is STL10
            sample = ds[0]
            assert tuple(sample['inputs'].shape) == (3, 96, 96)
            label = -1 if split == 'unlabeled' else written['train_labels'][0]
            assert sample['data_samples'].gt_label.tolist() == [label]
