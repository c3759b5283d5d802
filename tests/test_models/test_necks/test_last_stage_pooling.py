"""Tests of LastStagePooling."""
import pytest
import torch

from sskt.models.necks import LastStagePooling
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def test_pools_the_last_stage_2d():
    neck = LastStagePooling()
    assert neck.out_channels is None
    feats = (torch.randn(2, 16, 32, 32), torch.randn(2, 64, 8, 8))
    out = neck(feats)
    assert out.shape == (2, 64)
    assert torch.allclose(out, feats[-1].mean(dim=(2, 3)))
    # The last stage output alone works too.
    assert torch.equal(neck(feats[-1]), out)


def test_pools_the_last_stage_3d():
    neck = LastStagePooling(in_channels=16, dims=3)
    feats = (torch.randn(2, 8, 4, 8, 8), torch.randn(2, 16, 2, 4, 4))
    out = neck(feats)
    assert out.shape == (2, 16)
    assert torch.allclose(out, feats[-1].mean(dim=(2, 3, 4)))


def test_in_channels_is_exposed_and_checked():
    neck = MODELS.build(dict(type='LastStagePooling', in_channels=64))
    assert neck.in_channels == neck.out_channels == 64
    assert list(neck.parameters()) == []
    with pytest.raises(ConfigError, match=r'in_channels=64.*\(2, 32, 8, 8\)'):
        neck((torch.randn(2, 32, 8, 8), ))


def test_errors():
    with pytest.raises(ConfigError, match='dims=2 expects a 4-d'):
        LastStagePooling()((torch.randn(2, 16, 2, 4, 4), ))
    with pytest.raises(ConfigError, match='dims'):
        LastStagePooling(dims=1)
    with pytest.raises(ConfigError, match='in_channels'):
        LastStagePooling(in_channels=0)


def test_takes_the_last_of_all_stage_widths():
    neck = LastStagePooling(in_channels=[16, 32, 64])
    assert neck.out_channels == 64
    feats = (torch.rand(2, 16, 8, 8), torch.rand(2, 32, 4,
                                                 4), torch.rand(2, 64, 2, 2))
    assert torch.allclose(neck(feats), feats[-1].mean(dim=(2, 3)))
