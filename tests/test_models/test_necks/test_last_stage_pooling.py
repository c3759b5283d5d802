"""Tests of LastStagePooling."""
import pytest
import torch

from mmpretrain.models.necks import GlobalAveragePooling

from sskt.models.heads import AuxHead
from sskt.models.necks import LastStagePooling
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def test_pools_the_last_stage_2d():
    neck = LastStagePooling()
    assert neck.out_channels is None
    feats = (torch.randn(2, 16, 32, 32), torch.randn(2, 64, 8, 8))
    out = neck(feats)
    assert out.shape == (2, 64)
    # Bit for bit the mean sskt's own pooling took before it was
    # GlobalAveragePooling's.
    assert torch.equal(out, feats[-1].mean(dim=(2, 3)))
    # The last stage output alone works too.
    assert torch.equal(neck(feats[-1]), out)


def test_pools_the_last_stage_3d():
    neck = LastStagePooling(in_channels=16, dims=3)
    feats = (torch.randn(2, 8, 4, 8, 8), torch.randn(2, 16, 2, 4, 4))
    out = neck(feats)
    assert out.shape == (2, 16)
    assert torch.equal(out, feats[-1].mean(dim=(2, 3, 4)))


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
    assert torch.equal(neck(feats), feats[-1].mean(dim=(2, 3)))


def test_channels_last_input():
    x = torch.randn(2, 8, 3, 5).contiguous(memory_format=torch.channels_last)
    assert torch.equal(LastStagePooling()((x, )), x.mean(dim=(2, 3)))


def test_aux_branch_values_and_gradient_by_hand():
    # The no-TM branch is fc(mean over H x W of the last stage); computed
    # here from the stage values with plain sums, not through the modules.
    last = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2)
    first = torch.randn(2, 2, 4, 4, requires_grad=True)
    last.requires_grad_(True)
    neck = LastStagePooling(in_channels=[2, 3])
    assert isinstance(neck, GlobalAveragePooling)
    head = AuxHead(in_channels=neck.out_channels, num_classes=2)
    with torch.no_grad():
        head.fc.weight.copy_(torch.tensor([[1., 0., -1.], [0.5, 2., 0.]]))
        head.fc.bias.copy_(torch.tensor([0.25, -1.]))
    logits = head(neck((first, last)))
    # Sample 0 pools to (1.5, 5.5, 9.5), sample 1 to (13.5, 17.5, 21.5).
    expected = torch.tensor([[1.5 - 9.5 + 0.25, 0.75 + 11. - 1.],
                             [13.5 - 21.5 + 0.25, 6.75 + 35. - 1.]])
    assert torch.equal(logits, expected)
    logits.sum().backward()
    # d/d last[b, c, h, w] = (w_0c + w_1c) / 4; the first stage gets none.
    per_channel = torch.tensor([1.5, 2., -1.]) / 4
    assert torch.equal(last.grad,
                       per_channel.view(1, 3, 1, 1).expand(2, 3, 2, 2))
    assert first.grad is None
