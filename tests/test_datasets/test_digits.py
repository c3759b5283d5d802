"""Tests of :mod:`sskt.datasets.digits` (scikit-learn's real digits)."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope
from PIL import Image
from sklearn.datasets import load_digits

from sskt.datasets import Digits
from sskt.registry import DATASETS

TEST_SIZES = [53, 54, 53, 54, 54, 54, 54, 53, 52, 54]
TRAIN_SIZES = [125, 128, 124, 129, 127, 128, 127, 126, 122, 126]


def _labels(ds):
    return np.array([ds.get_data_info(i)['gt_label'] for i in range(len(ds))])


def _imgs(ds):
    return np.stack([ds.get_data_info(i)['img'] for i in range(len(ds))])


@pytest.fixture(scope='module')
def train():
    return Digits(split='train')


@pytest.fixture(scope='module')
def test():
    return Digits(split='test')


def test_split_sizes(train, test):
    assert len(train) == 1262 and len(test) == 535
    assert np.bincount(_labels(train)).tolist() == TRAIN_SIZES
    assert np.bincount(_labels(test)).tolist() == TEST_SIZES
    assert train.metainfo['classes'] == tuple('0123456789')


def test_disjoint_and_complete(train, test):
    a = {i for idx in train.split_indices().values() for i in idx}
    b = {i for idx in test.split_indices().values() for i in idx}
    assert not a & b and len(a | b) == 1797


def test_deterministic(train):
    again = Digits(split='train', data_root='ignored')
    np.testing.assert_array_equal(_imgs(again), _imgs(train))
    np.testing.assert_array_equal(_labels(again), _labels(train))
    other = Digits(split='train', seed=1)
    assert not np.array_equal(_imgs(other), _imgs(train))


def test_pixels_and_documented_transform(train):
    imgs = _imgs(train)
    assert imgs.shape == (1262, 32, 32, 3) and imgs.dtype == np.uint8
    assert imgs.min() == 0 and imgs.max() == 255
    np.testing.assert_array_equal(imgs[..., 0], imgs[..., 2])
    digits = load_digits()
    i = train.split_indices()[3][0]  # the first train image of digit 3
    gray = np.round(digits.images[i] * 255 / 16).astype(np.uint8)
    big = np.asarray(Image.fromarray(gray).resize((32, 32), Image.BILINEAR))
    pos = TRAIN_SIZES[0] + TRAIN_SIZES[1] + TRAIN_SIZES[2]
    info = train.get_data_info(pos)
    assert info['gt_label'] == 3 and digits.target[i] == 3
    np.testing.assert_array_equal(info['img'], np.stack([big] * 3, axis=2))


def test_num_per_class(train):
    ds = Digits(num_per_class=5)
    assert len(ds) == 50 and np.bincount(_labels(ds)).tolist() == [5] * 10
    # the first k of each class, in the split's order
    np.testing.assert_array_equal(_imgs(ds)[:5], _imgs(train)[:5])
    assert len(Digits(num_per_class=122)) == 1220
    with pytest.raises(ValueError, match='exceeds'):
        Digits(num_per_class=123)
    assert len(Digits(num_per_class=123, classes=(0, 1))) == 246
    with pytest.raises(ValueError, match='num_per_class'):
        Digits(split='test', num_per_class=5)


def test_classes_relabelled(train):
    ds = Digits(classes=(7, 5))
    assert ds.metainfo['classes'] == ('7', '5')
    assert len(ds) == TRAIN_SIZES[7] + TRAIN_SIZES[5]
    labels = _labels(ds)
    assert labels[:TRAIN_SIZES[7]].tolist() == [0] * TRAIN_SIZES[7]
    assert set(labels[TRAIN_SIZES[7]:]) == {1}
    # the same images as digit 7 of the full split: the split ignores classes
    start = sum(TRAIN_SIZES[:7])
    np.testing.assert_array_equal(
        _imgs(ds)[:TRAIN_SIZES[7]],
        _imgs(train)[start:start + TRAIN_SIZES[7]])
    for bad in [(5, 5), (10, ), ()]:
        with pytest.raises(ValueError, match='classes'):
            Digits(classes=bad)
    with pytest.raises(ValueError, match='split'):
        Digits(split='val')


def test_build_from_registry():
    with DefaultScope.overwrite_default_scope('sskt'):
        ds = DATASETS.build(
            dict(
                type='Digits',
                data_root='data/unused',
                split='test',
                classes=(5, 6, 7, 8, 9),
                pipeline=[dict(type='mmpretrain.PackInputs')]))
    assert type(ds) is Digits and len(ds) == sum(TEST_SIZES[5:])
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (3, 32, 32)
    assert sample['data_samples'].gt_label.tolist() == [0]


def test_not_serialized_by_default_but_may_be(train):
    # the tiny set skips mmengine's serialisation (and its gc.collect)
    assert train.serialize_data is False and train.data_list
    serialized = Digits(split='train', num_per_class=2, serialize_data=True)
    assert serialized.serialize_data is True
    assert serialized.get_data_info(0)['gt_label'] == 0
