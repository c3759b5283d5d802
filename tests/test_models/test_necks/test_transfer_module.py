"""Tests of TransferModule."""
import pytest
import torch
import torch.nn as nn

from sskt.models.necks import TransferModule
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from tests.test_models import reference_ops as ref

# CIFAR ResNet-20 stage outputs for a 32x32 input.
R20_SHAPES = [(16, 32, 32), (32, 16, 16), (64, 8, 8)]


def _feats(shapes, batch=2):
    return tuple(torch.randn(batch, *shape) for shape in shapes)


def _branch_params(c_in: int, mid: int, c_out: int) -> int:
    """Parameters of one branch: three biased convs and three BNs."""
    return ((c_in * mid + mid) + 2 * mid  # 1x1 conv + BN
            + (9 * mid * mid + mid) + 2 * mid  # 3x3 conv + BN
            + (mid * c_out + c_out) + 2 * c_out)  # 1x1 conv + BN


def test_cifar_resnet20_defaults():
    tm = TransferModule(in_channels=[16, 32, 64])
    assert tm.out_channels == 64 and tm.mid_channels == 32
    assert len(tm.branches) == 3
    out = tm(_feats(R20_SHAPES))
    assert out.shape == (2, 64)
    # ReLU before the pooling: the pooled features are non-negative.
    assert (out >= 0).all()


def test_parameter_count_resnet20():
    tm = TransferModule(in_channels=(16, 32, 64))
    # per branch: (C_in*M + M) + 2M + (9*M*M + M) + 2M + (M*C_out + C_out)
    # + 2*C_out, with M = 32 and C_out = 64
    expected = sum(_branch_params(c, 32, 64) for c in (16, 32, 64))
    assert expected == 12160 + 12672 + 13696
    assert sum(p.numel() for p in tm.parameters()) == expected


def test_no_conv_bias():
    tm = TransferModule(in_channels=(16, 32, 64), conv_bias=False)
    convs = [m for m in tm.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 9 and all(c.bias is None for c in convs)
    expected = sum(
        _branch_params(c, 32, 64) - (32 + 32 + 64) for c in (16, 32, 64))
    assert sum(p.numel() for p in tm.parameters()) == expected


def test_imagenet_resnet18_widths():
    tm = TransferModule(
        in_channels=(64, 128, 256, 512), out_channels=1000, mid_channels=500)
    assert tm.out_channels == 1000
    # 56/28/14/7 in the original; smaller maps keep the test fast.
    feats = _feats([(64, 8, 8), (128, 4, 4), (256, 2, 2), (512, 1, 1)], 2)
    assert tm(feats).shape == (2, 1000)
    expected = sum(_branch_params(c, 500, 1000) for c in (64, 128, 256, 512))
    assert sum(p.numel() for p in tm.parameters()) == expected


def test_3d_stages():
    tm = TransferModule(in_channels=(8, 16), dims=3)
    assert isinstance(tm.branches[0][0], nn.Conv3d)
    assert tm.branches[0][3].stride == (2, 2, 2)
    feats = _feats([(8, 4, 8, 8), (16, 2, 4, 4)])
    assert tm(feats).shape == (2, 16)


def test_branch_spatial_sizes_2d():
    tm = TransferModule(in_channels=(16, 32, 64))
    feats = _feats(R20_SHAPES)
    sizes = [tuple(b(f).shape[2:]) for b, f in zip(tm.branches, feats)]
    assert sizes == [(16, 16), (8, 8), (4, 4)]
    # Odd sizes round up (pad 1): 7 -> 4 (ImageNet-style b4 at 224).
    assert tm.branches[0](torch.randn(2, 16, 7, 7)).shape[2:] == (4, 4)


def test_branch_spatial_sizes_3d():
    # The 3D ResNet-18 stage sizes of a 16x112x112 clip, with few channels.
    tm = TransferModule(in_channels=(4, 4, 4, 4), dims=3)
    feats = _feats([(4, 8, 28, 28), (4, 4, 14, 14), (4, 2, 7, 7),
                    (4, 1, 4, 4)], 1)
    sizes = [tuple(b(f).shape[2:]) for b, f in zip(tm.branches, feats)]
    assert sizes == [(4, 14, 14), (2, 7, 7), (1, 4, 4), (1, 2, 2)]


def _randomised(tm: TransferModule) -> TransferModule:
    """BN weights and biases away from 1 / 0, so that each one matters."""
    with torch.no_grad():
        for param in tm.parameters():
            if param.dim() == 1:
                param.uniform_(-0.5, 1.5)
    return tm.train()


@pytest.mark.parametrize('aggregation', ['mean', 'sum'])
def test_pooled_and_aggregated_values_by_hand(aggregation):
    # conv(1x1) - BN - ReLU, conv(3x3, stride 2) - BN - ReLU, conv(1x1) -
    # BN - ReLU, pooled, averaged (or summed) over the stages, written out
    torch.manual_seed(0)
    tm = _randomised(
        TransferModule(in_channels=(16, 32, 64), aggregation=aggregation))
    feats = _feats(R20_SHAPES, batch=3)
    pooled = [
        ref.branch_pooled(f, ref.branch_weights(b))
        for f, b in zip(feats, tm.branches)
    ]
    expected = (pooled[0] + pooled[1] +
                pooled[2]) / (3 if aggregation == 'mean' else 1)
    torch.testing.assert_close(tm(feats), expected, rtol=1e-5, atol=1e-6)
    assert not torch.allclose(pooled[0], pooled[1], atol=1e-2)


def test_3d_values_by_hand():
    torch.manual_seed(0)
    tm = _randomised(TransferModule(in_channels=(8, 16), dims=3))
    feats = _feats([(8, 4, 8, 8), (16, 2, 4, 4)], batch=3)
    torch.testing.assert_close(
        tm(feats), ref.transfer_module(feats, tm), rtol=1e-5, atol=1e-6)


def test_backward_sends_every_stage_the_hand_built_gradient():
    torch.manual_seed(0)
    tm = _randomised(TransferModule(in_channels=(16, 32, 64)))
    feats = tuple(f.requires_grad_() for f in _feats(R20_SHAPES))
    weights = torch.randn(2, 64)
    (tm(feats) * weights).sum().backward()
    for name, param in tm.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    copies = [f.detach().clone().requires_grad_() for f in feats]
    expected = torch.autograd.grad(
        (ref.transfer_module(copies, tm) * weights).sum(), copies)
    for stage, (f, want) in enumerate(zip(feats, expected)):
        torch.testing.assert_close(
            f.grad, want, rtol=1e-4, atol=1e-7, msg=f'stage {stage}')


def test_input_mismatch_errors():
    tm = TransferModule(in_channels=(16, 32, 64))
    with pytest.raises(ConfigError, match=r'3 stages.*got 2 stage outputs'):
        tm(_feats(R20_SHAPES[1:]))
    with pytest.raises(ConfigError, match='single tensor'):
        tm(torch.randn(2, 64, 8, 8))
    with pytest.raises(
            ConfigError, match=r'in_channels=\(16, 32, 64\).*\(2, 48, 8, 8\)'):
        tm(_feats([(16, 32, 32), (32, 16, 16), (48, 8, 8)]))
    with pytest.raises(ConfigError, match='dims=2 expects 4-d'):
        tm(_feats([(16, 2, 32, 32), (32, 2, 16, 16), (64, 2, 8, 8)]))


@pytest.mark.parametrize('kwargs', [
    dict(in_channels=[]),
    dict(in_channels=16),
    dict(in_channels=[16, 0]),
    dict(in_channels=[16], out_channels=1),
    dict(in_channels=[16], mid_channels=2.5),
    dict(in_channels=[16], aggregation='max'),
    dict(in_channels=[16], dims=1),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ConfigError):
        TransferModule(**kwargs)


def test_registry_and_kaiming_init_cfg():
    tm = MODELS.build(
        dict(
            type='TransferModule',
            in_channels=[16, 32, 64],
            init_cfg=dict(
                type='Kaiming', layer='Conv2d', mode='fan_out', bias=0)))
    assert isinstance(tm, TransferModule)
    tm.init_weights()
    conv = tm.branches[0][0]
    assert torch.equal(conv.bias, torch.zeros_like(conv.bias))
