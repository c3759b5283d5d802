"""Tests of the 6n+2 CIFAR ResNet."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from sskt.models.backbones import CifarResNet
from sskt.models.backbones.cifar_resnet import OptionAShortcut
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def build_classifier(depth: int, num_classes: int = 10) -> nn.Module:
    return MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(type='sskt.CifarResNet', depth=depth),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead', num_classes=num_classes,
                in_channels=64)))


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('depth, expected', [(20, 269_722), (32, 464_154),
                                             (56, 853_018)])
def test_parameter_count(depth, expected):
    # bias-free convs + BN (weight, bias) + Linear(64, 10) with bias
    assert num_params(build_classifier(depth)) == expected


def test_parameter_count_formula():
    # Independent count: stem conv 3*16*9 + BN 2*16; per stage n blocks of two
    # 3x3 convs + two BNs; the first block of stages 2/3 reads c/2 channels.
    for n in (3, 5, 9):
        total = 3 * 16 * 9 + 2 * 16
        in_c = 16
        for c in (16, 32, 64):
            for _ in range(n):
                total += in_c * c * 9 + c * c * 9 + 4 * c
                in_c = c
        total += 64 * 10 + 10
        assert num_params(build_classifier(6 * n + 2)) == total


def test_registry_and_attributes():
    model = MODELS.build(dict(type='CifarResNet', depth=32))
    assert isinstance(model, CifarResNet)
    assert model.num_blocks == 5
    assert model.stage_channels == (16, 32, 64)
    assert model.out_indices == (2, )
    assert model.out_channels == (64, )
    assert [len(getattr(model, f'layer{i}')) for i in (1, 2, 3)] == [5] * 3
    # stem: 3x3, stride 1, no bias, no max-pool
    assert model.conv1.kernel_size == (3, 3)
    assert model.conv1.stride == (1, 1)
    assert model.conv1.bias is None
    assert not any(isinstance(m, nn.MaxPool2d) for m in model.modules())


@pytest.mark.parametrize('depth', [8, 44, 110, 6 * 4 + 2])
def test_any_6n_plus_2_depth(depth):
    model = CifarResNet(depth=depth)
    assert model.num_blocks == (depth - 2) // 6


@pytest.mark.parametrize('depth', [18, 21, 34, 2, 0, -4, '20'])
def test_invalid_depth(depth):
    with pytest.raises(ValueError, match='6n\\+2'):
        CifarResNet(depth=depth)


@pytest.mark.parametrize('size', [32, 96])
def test_stage_shapes(size):
    model = CifarResNet(depth=20, out_indices=(0, 1, 2))
    model.init_weights()
    model.eval()
    with torch.no_grad():
        outs = model(torch.randn(2, 3, size, size))
    assert isinstance(outs, tuple)
    assert [tuple(o.shape) for o in outs] == [
        (2, 16, size, size),
        (2, 32, size // 2, size // 2),
        (2, 64, size // 4, size // 4),
    ]


def test_out_indices():
    x = torch.randn(1, 3, 32, 32)
    model = CifarResNet(out_indices=1).eval()
    outs = model(x)
    assert len(outs) == 1 and outs[0].shape == (1, 32, 16, 16)
    model = CifarResNet(out_indices=(-1, 0)).eval()
    assert model.out_indices == (0, 2)
    assert model.out_channels == (16, 64)
    assert [o.shape[1] for o in model(x)] == [16, 64]
    with pytest.raises(ValueError, match='out of range'):
        CifarResNet(out_indices=(3, ))
    with pytest.raises(ValueError, match='out of range'):
        CifarResNet(out_indices=(-4, ))
    with pytest.raises(ConfigError):
        CifarResNet(out_indices=())
    with pytest.raises(ConfigError):
        CifarResNet(out_indices=(0.5, ))


def test_option_a_shortcut():
    model = CifarResNet(depth=20)
    shortcuts = [m for m in model.modules() if isinstance(m, OptionAShortcut)]
    # one per down-sampling block (first block of stages 2 and 3)
    assert len(shortcuts) == 2
    assert all(num_params(s) == 0 for s in shortcuts)
    assert isinstance(model.layer1[0].shortcut, nn.Identity)
    assert isinstance(model.layer2[0].shortcut, OptionAShortcut)
    assert isinstance(model.layer2[1].shortcut, nn.Identity)

    x = torch.arange(2 * 4 * 4 * 4, dtype=torch.float32).view(2, 4, 4, 4)
    out = OptionAShortcut(planes=8)(x)
    expected = torch.zeros(2, 8, 2, 2)
    for c in range(4):
        for i in range(2):
            for j in range(2):
                expected[:, c + 2, i, j] = x[:, c, 2 * i, 2 * j]
    assert torch.equal(out, expected)


def test_default_init():
    torch.manual_seed(0)
    model = CifarResNet(depth=56)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.data.fill_(3.0)
            m.bias.data.fill_(3.0)
    model.init_weights()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            assert torch.all(m.weight == 1) and torch.all(m.bias == 0)
    # kaiming-normal, fan_in: std = sqrt(2 / fan_in)
    conv = model.layer3[1].conv1
    fan_in = conv.in_channels * 9
    assert conv.weight.std().item() == pytest.approx(
        (2 / fan_in)**0.5, rel=0.05)


def test_user_init_cfg():
    model = CifarResNet(
        init_cfg=dict(type='Constant', val=0.5, layer='Conv2d'))
    model.init_weights()
    assert torch.all(model.conv1.weight == 0.5)
    assert torch.all(model.layer3[2].conv2.weight == 0.5)


def test_forward_backward():
    model = build_classifier(20)
    model.init_weights()
    model.train()
    inputs = torch.randn(4, 3, 32, 32)
    feats = model.extract_feat(inputs)
    logits = model.head(feats)
    loss = F.cross_entropy(logits, torch.tensor([0, 1, 2, 3]))
    loss.backward()
    assert torch.isfinite(loss)
    assert model.backbone.conv1.weight.grad is not None
    assert model.backbone.conv1.weight.grad.abs().sum() > 0


def test_frozen_stages():
    with pytest.raises(ValueError):
        CifarResNet(frozen_stages=4)
    model = CifarResNet(frozen_stages=1)
    model.train()
    for module in (model.conv1, model.bn1, model.layer1):
        assert all(not p.requires_grad for p in module.parameters())
    for m in (model.bn1, model.layer1[0].bn1):
        assert not m.training
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert model.layer2[0].bn1.training
    # frozen BN running stats do not move during a training forward
    before = model.layer1[0].bn1.running_mean.clone()
    model(torch.randn(2, 3, 32, 32))
    assert torch.equal(model.layer1[0].bn1.running_mean, before)


def test_norm_eval():
    model = CifarResNet(norm_eval=True)
    model.train()
    assert model.training
    assert all(not m.training for m in model.modules()
               if isinstance(m, nn.BatchNorm2d))
    assert all(p.requires_grad for p in model.parameters())
    model = CifarResNet(norm_eval=False).train()
    assert all(m.training for m in model.modules()
               if isinstance(m, nn.BatchNorm2d))
