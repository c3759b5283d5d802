"""Tests of the on-device crop/flip: the same images as the per-sample
mmpretrain pipeline for the same offsets and flips."""
import numpy as np
import pytest
import torch
from mmpretrain.datasets.transforms import RandomCrop
from mmpretrain.structures import DataSample

from sskt.models.data_preprocessors import (BatchAugmentClsDataPreprocessor,
                                            random_crop_flip)
from sskt.utils.errors import ConfigError

MEAN, STD = [125.3, 123.0, 113.9], [63.0, 62.1, 66.7]


def _images(batch=4, size=8):
    generator = torch.Generator().manual_seed(0)
    return torch.randint(
        0, 256, (batch, 3, size, size), dtype=torch.uint8, generator=generator)


def test_crop_and_flip_match_a_hand_crop_of_the_padded_image():
    images = _images()
    offsets = torch.tensor([[0, 0], [4, 4], [1, 3], [2, 0]])
    flips = torch.tensor([False, True, True, False])
    out = random_crop_flip(images, 2, offsets=offsets, flips=flips)
    assert out.dtype == torch.uint8 and out.shape == images.shape
    padded = torch.nn.functional.pad(images, (2, 2, 2, 2))
    for i, ((row, col), flip) in enumerate(zip(offsets.tolist(), flips)):
        expected = padded[i, :, row:row + 8, col:col + 8]
        if flip:
            expected = expected.flip(-1)
        assert torch.equal(out[i], expected)


def test_same_result_as_mmpretrain_random_crop_with_its_offsets():
    image = _images(1)[0]
    hwc = image.permute(1, 2, 0).numpy()
    transform = RandomCrop(crop_size=8, padding=3)
    # mmpretrain draws the offsets in rand_crop_params; take the same ones
    padded = np.pad(hwc, ((3, 3), (3, 3), (0, 0)))
    np.random.seed(5)
    row, col, _, _ = transform.rand_crop_params(padded)
    np.random.seed(5)
    expected = transform.transform(dict(img=hwc.copy()))['img']
    out = random_crop_flip(
        image[None],
        3,
        offsets=torch.tensor([[row, col]]),
        flips=torch.tensor([False]))
    assert np.array_equal(out[0].permute(1, 2, 0).numpy(), expected)


def test_offsets_and_flips_are_drawn_over_their_whole_range():
    torch.manual_seed(0)
    images = torch.arange(
        64, dtype=torch.float32).view(1, 1, 8, 8).repeat(400, 1, 1, 1)
    out = random_crop_flip(images, 1)
    # the top-left pixel tells the offset: padding gives 0, else an index
    corners = {float(v) for v in out[:, 0, 0, 0]}
    assert {0.0, 1.0, 8.0, 9.0} <= corners  # offsets 0..2 on both axes
    flipped = (out[:, 0, 4, 1] > out[:, 0, 4, 6]).float().mean().item()
    assert 0.4 < flipped < 0.6


def test_preprocessor_augments_only_in_training_then_normalises():
    images = _images()
    samples = [DataSample().set_gt_label(i % 2) for i in range(4)]
    preprocessor = BatchAugmentClsDataPreprocessor(
        padding=2, mean=MEAN, std=STD, channels_last=True)
    plain = preprocessor(dict(inputs=list(images), data_samples=samples))
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    expected = (images.float() - mean) / std
    assert torch.allclose(plain['inputs'], expected)
    assert plain['inputs'].is_contiguous(memory_format=torch.channels_last)
    torch.manual_seed(3)
    trained = preprocessor(
        dict(inputs=images, data_samples=samples), training=True)
    torch.manual_seed(3)
    crops = random_crop_flip(images, 2, 0.5)
    assert torch.allclose(trained['inputs'], (crops.float() - mean) / std)
    assert not torch.allclose(trained['inputs'], expected)
    assert trained['data_samples'][1].gt_label.tolist() == [1]


def test_bad_arguments_are_config_errors():
    with pytest.raises(ConfigError, match='padding'):
        BatchAugmentClsDataPreprocessor(padding=-1)
    with pytest.raises(ConfigError, match='flip_prob'):
        BatchAugmentClsDataPreprocessor(flip_prob=2)
