"""Tests of the CIFAR VGG with batch norm."""
import pytest
import torch
from torch import nn

from sskt.models.backbones import CifarVGG
from sskt.registry import MODELS

VGG16_CFG = [
    64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512,
    512, 512, 'M'
]


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_vgg16_bn_parameter_count():
    # Formula: every conv c_in -> c_out is 3x3 with bias: 9 * c_in * c_out +
    # c_out; its BN has weight and bias: 2 * c_out; max-pools have none; the
    # head is Linear(512, 10): 512 * 10 + 10.
    expected, c_in = 0, 3
    for v in VGG16_CFG:
        if v == 'M':
            continue
        expected += 9 * c_in * v + v + 2 * v
        c_in = v
    expected += 512 * 10 + 10
    assert expected == 14_728_266

    model = MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(type='sskt.CifarVGG', depth=16),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=10, in_channels=512)))
    assert isinstance(model.backbone, CifarVGG)
    assert num_params(model) == expected


def test_stage_shapes():
    model = CifarVGG(depth=16, out_indices=(0, 1, 2, 3, 4))
    model.init_weights()
    model.eval()
    assert model.stage_channels == (64, 128, 256, 512, 512)
    with torch.no_grad():
        outs = model(torch.randn(2, 3, 32, 32))
    assert [tuple(o.shape) for o in outs] == [(2, 64, 16, 16), (2, 128, 8, 8),
                                              (2, 256, 4, 4), (2, 512, 2, 2),
                                              (2, 512, 1, 1)]
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert [m.out_channels
            for m in convs] == [v for v in VGG16_CFG if v != 'M']
    assert len([m for m in model.modules()
                if isinstance(m, nn.MaxPool2d)]) == 5


def test_default_out_indices():
    model = MODELS.build(dict(type='CifarVGG')).eval()
    assert model.out_indices == (4, )
    assert model.out_channels == (512, )
    outs = model(torch.randn(1, 3, 32, 32))
    assert len(outs) == 1 and outs[0].shape == (1, 512, 1, 1)


@pytest.mark.parametrize('depth, num_convs', [(11, 8), (13, 10), (16, 13),
                                              (19, 16)])
def test_depths(depth, num_convs):
    model = CifarVGG(depth=depth)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == num_convs  # depth = convs + 3 fully connected


def test_invalid_arguments():
    with pytest.raises(ValueError, match='11, 13, 16, 19'):
        CifarVGG(depth=17)
    with pytest.raises(ValueError, match='out of range'):
        CifarVGG(out_indices=(5, ))


def test_init_and_norm_eval():
    model = CifarVGG(norm_eval=True)
    model.init_weights()
    assert all(
        torch.all(m.bias == 0) for m in model.modules()
        if isinstance(m, nn.Conv2d))
    model.train()
    assert all(not m.training for m in model.modules()
               if isinstance(m, nn.BatchNorm2d))
    loss = model(torch.randn(2, 3, 32, 32))[0].mean()
    loss.backward()
    assert model.layer1[0].weight.grad is not None
