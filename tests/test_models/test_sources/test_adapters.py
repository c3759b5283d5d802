"""SourceAdapter: centre frame, re-normalisation and resizing (f_s)."""
import pytest
import torch
import torch.nn.functional as F

from sskt.models.sources import SourceAdapter
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)
CIFAR_MEAN = (125.307, 122.961, 113.8575)
CIFAR_STD = (51.5865, 50.847, 51.255)


def test_built_from_registry_without_parameters():
    adapter = MODELS.build(dict(type='SourceAdapter'))
    assert isinstance(adapter, SourceAdapter)
    assert list(adapter.parameters()) == []
    assert adapter.state_dict() == {}  # mean/std are non-persistent


@pytest.mark.parametrize('size_in, size_out', [(32, 74), (96, 224)])
def test_original_scale_factor_sizes(size_in, size_out):
    adapter = SourceAdapter(renormalize=False)
    out = adapter(torch.randn(2, 3, size_in, size_in))
    assert out.shape == (2, 3, size_out, size_out)


def test_scale_factor_7_3_samples_the_original_grid():
    # bilinear, align_corners=False, scale 7/3 (not 74/32): output column x
    # reads input column (x + 1/2) * 3/7 - 1/2, clamped to [0, 31]; on a
    # ramp (column j holds j) that coordinate is the value itself
    ramp = torch.arange(32.).expand(1, 3, 32, 32)
    out = SourceAdapter(renormalize=False)(ramp)
    expected = ((torch.arange(74) + 0.5) * 3 / 7 - 0.5).clamp(0, 31)
    assert out.shape == (1, 3, 74, 74)
    torch.testing.assert_close(
        out[0, 1, 5], expected, rtol=0, atol=1e-5, check_dtype=False)


def test_fixed_size_samples_the_size_ratio():
    # size=(2, 4) from a 1 x 2 row (0, 4): columns read (x + 1/2)/2 - 1/2
    # = -1/4, 1/4, 3/4, 5/4, clamped to [0, 1]: 0, 1, 3, 4
    row = torch.tensor([0., 4.]).expand(1, 3, 1, 2)
    out = SourceAdapter(size=(2, 4), renormalize=False)(row)
    assert out[0, 0].tolist() == [[0., 1., 3., 4.]] * 2


def test_matches_f_interpolate():
    x = torch.randn(2, 3, 32, 32)
    expected = F.interpolate(
        x, scale_factor=7 / 3, mode='bilinear', align_corners=False)
    assert torch.equal(SourceAdapter(renormalize=False)(x), expected)


@pytest.mark.parametrize('size, expected', [(224, (224, 224)),
                                            ((40, 50), (40, 50))])
def test_fixed_size(size, expected):
    out = SourceAdapter(
        size=size, renormalize=False)(
            torch.randn(1, 3, 32, 32))
    assert out.shape[-2:] == expected


@pytest.mark.parametrize('scale_factor', [None, 1.0])
def test_no_resize_and_no_renormalisation_is_identity(scale_factor):
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(
        SourceAdapter(scale_factor=scale_factor, renormalize=False)(x), x)


def test_nearest_mode():
    x = torch.randn(1, 3, 4, 4)
    out = SourceAdapter(scale_factor=2, mode='nearest', renormalize=False)(x)
    assert torch.equal(out, x.repeat_interleave(2, 2).repeat_interleave(2, 3))


def test_renormalisation_by_hand():
    adapter = SourceAdapter(scale_factor=None)
    adapter.set_target_normalization(CIFAR_MEAN, CIFAR_STD)
    # pixel 0 = the target mean; pixel 1 = raw value 200 in every channel
    x = torch.zeros(1, 3, 1, 2)
    for c in range(3):
        x[0, c, 0, 1] = (200 - CIFAR_MEAN[c]) / CIFAR_STD[c]
    out = adapter(x)
    for c in range(3):
        at_mean = (CIFAR_MEAN[c] - IMAGENET_MEAN[c]) / IMAGENET_STD[c]
        at_200 = (200 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]
        assert out[0, c, 0, 0].item() == pytest.approx(at_mean, abs=1e-6)
        assert out[0, c, 0, 1].item() == pytest.approx(at_200, abs=1e-6)


def test_renormalisation_accepts_preprocessor_buffers():
    # mmpretrain's ClsDataPreprocessor keeps mean/std as (C, 1, 1) buffers
    adapter = SourceAdapter(scale_factor=None)
    adapter.set_target_normalization(
        torch.tensor(CIFAR_MEAN).view(-1, 1, 1),
        torch.tensor(CIFAR_STD).view(-1, 1, 1))
    reference = SourceAdapter(scale_factor=None)
    reference.set_target_normalization(CIFAR_MEAN, CIFAR_STD)
    x = torch.randn(2, 3, 8, 8)
    assert torch.equal(adapter(x), reference(x))


def test_unnormalised_target():
    # None: the target sees raw 0-255 pixels
    adapter = SourceAdapter(scale_factor=None)
    adapter.set_target_normalization(None, None)
    x = torch.full((1, 3, 1, 1), 255.)
    expected = (255 - torch.tensor(IMAGENET_MEAN)) / torch.tensor(IMAGENET_STD)
    torch.testing.assert_close(adapter(x).flatten(), expected)


def test_only_the_std_differs():
    # equal means: x_s = x * std_t / std_s, e.g. a target normalised with
    # ImageNet's mean but std 1 (raw deviations) seen by an ImageNet source
    adapter = SourceAdapter(scale_factor=None)
    adapter.set_target_normalization(IMAGENET_MEAN, (1., 2., 4.))
    x = torch.tensor([1., -2., 3.]).view(1, 3, 1, 1)
    expected = [1 / 58.395, -2 * 2 / 57.12, 3 * 4 / 57.375]
    assert adapter(x).flatten().tolist() == pytest.approx(expected, abs=1e-7)


def test_same_normalisation_is_identity():
    adapter = SourceAdapter(scale_factor=None)
    adapter.set_target_normalization(IMAGENET_MEAN, IMAGENET_STD)
    x = torch.randn(1, 3, 5, 5)
    assert torch.equal(adapter(x), x)


def test_renormalise_then_resize_equals_resize_then_renormalise():
    adapter = SourceAdapter()
    adapter.set_target_normalization(CIFAR_MEAN, CIFAR_STD)
    x = torch.randn(2, 3, 32, 32)
    resized = F.interpolate(
        x, scale_factor=7 / 3, mode='bilinear', align_corners=False)
    t_mean = torch.tensor(CIFAR_MEAN).view(1, 3, 1, 1)
    t_std = torch.tensor(CIFAR_STD).view(1, 3, 1, 1)
    s_mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    s_std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    expected = (resized * t_std + t_mean - s_mean) / s_std
    torch.testing.assert_close(adapter(x), expected, rtol=0, atol=1e-5)


def test_renormalise_without_target_normalisation_is_an_error():
    with pytest.raises(ConfigError, match='set_target_normalization'):
        SourceAdapter()(torch.randn(1, 3, 8, 8))


def test_buffers_follow_the_module():
    adapter = SourceAdapter(scale_factor=None)
    adapter.set_target_normalization(CIFAR_MEAN, CIFAR_STD)
    adapter.to(torch.float64)
    assert adapter.target_mean.dtype == torch.float64
    assert adapter(torch.zeros(1, 3, 2, 2, dtype=torch.float64)).dtype == \
        torch.float64


@pytest.mark.parametrize('mean, std', [((1., 2.), (1., 1., 1.)),
                                       ((0., 0., 0.), (1., 0., 1.))])
def test_bad_target_normalisation(mean, std):
    with pytest.raises(ConfigError):
        SourceAdapter().set_target_normalization(mean, std)


@pytest.mark.parametrize('kwargs', [
    dict(mode='linear'),
    dict(frame='first'),
    dict(scale_factor=0),
    dict(size=(0, 3)),
    dict(std=(1., 1.)),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ConfigError):
        SourceAdapter(**kwargs)


def test_centre_frame():
    clip = torch.randn(2, 3, 16, 8, 8)
    out = SourceAdapter(
        scale_factor=None, renormalize=False, frame='centre')(
            clip)
    assert torch.equal(out, clip[:, :, 8])
    odd = torch.randn(1, 3, 5, 4, 4)
    out = SourceAdapter(
        scale_factor=None, renormalize=False, frame='centre')(
            odd)
    assert torch.equal(out, odd[:, :, 2])


def test_wrong_input_rank():
    with pytest.raises(ConfigError, match="frame='centre'"):
        SourceAdapter(renormalize=False)(torch.randn(1, 3, 4, 8, 8))
    with pytest.raises(ConfigError, match='B×C×T×H×W'):
        SourceAdapter(
            renormalize=False, frame='centre')(
                torch.randn(1, 3, 8, 8))
