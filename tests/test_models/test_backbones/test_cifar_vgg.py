"""Tests of the CIFAR VGG with batch norm (mmpretrain's VGG)."""
import math

import pytest
import torch
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint
from torch import nn

from sskt.models.backbones import CifarVGG
from sskt.registry import MODELS

VGG16_CFG = [
    64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512,
    512, 512, 'M'
]
VGG11_CFG = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']


class OldCifarVGG(nn.Module):
    """sskt's own VGG before it was mmpretrain's (its module layout).

    Stage ``layerS`` is ``Sequential(conv, bn, relu, ..., maxpool)``; the
    state-dict keys are ``layerS.K.*``, as in the checkpoints written then.
    """

    def __init__(self, cfg, out_indices=(4, )):
        super().__init__()
        self.out_indices = out_indices
        layers, stage, in_channels = [], 1, 3
        for v in cfg:
            if v == 'M':
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
                self.add_module(f'layer{stage}', nn.Sequential(*layers))
                layers, stage = [], stage + 1
                continue
            layers += [
                nn.Conv2d(in_channels, v, 3, padding=1),
                nn.BatchNorm2d(v),
                nn.ReLU(inplace=True)
            ]
            in_channels = v

    def forward(self, x):
        outs = []
        for i in range(5):
            x = getattr(self, f'layer{i + 1}')(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def randomize_bn(model: nn.Module, seed: int = 0) -> None:
    """Give every BN non-trivial weights and running statistics."""
    generator = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            for t in (m.weight.data, m.bias.data, m.running_mean):
                t.copy_(torch.randn(t.shape, generator=generator) * 0.1)
            m.weight.data.add_(1)
            m.running_var.copy_(
                torch.rand(m.running_var.shape, generator=generator) + 0.5)
            m.num_batches_tracked.fill_(7)


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
    assert expected == 14_723_136
    expected += 512 * 10 + 10

    model = MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(type='sskt.CifarVGG', depth=16),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=10, in_channels=512)))
    assert isinstance(model.backbone, CifarVGG)
    assert num_params(model) == expected == 14_728_266


def test_stage_shapes():
    model = CifarVGG(depth=16, out_indices=(0, 1, 2, 3, 4))
    model.init_weights()
    model.eval()
    assert model.stage_channels == (64, 128, 256, 512, 512)
    assert model.out_channels == (64, 128, 256, 512, 512)
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
    assert MODELS.build(dict(type='CifarVGG', out_indices=-2)).out_indices \
        == (3, )


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


def test_init_is_torchvision_vgg_and_norm_eval():
    torch.manual_seed(0)
    model = CifarVGG(depth=11, norm_eval=True)
    model.init_weights()
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert all(torch.all(m.bias == 0) for m in convs)
    # kaiming-normal, fan_out, relu: std = sqrt(2 / (9 * c_out)); the
    # last 512 -> 512 convs hold 2.4M samples each, so 1% is ~15 sigma.
    for m in convs[-3:]:
        assert m.weight.std().item() == pytest.approx(
            math.sqrt(2 / (9 * 512)), rel=0.01)
        assert abs(m.weight.mean().item()) < 1e-3
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert all(
        torch.all(m.weight == 1) and torch.all(m.bias == 0) for m in bns)
    model.train()
    assert all(not m.training for m in bns)
    loss = model(torch.randn(2, 3, 32, 32))[0].mean()
    loss.backward()
    assert convs[0].weight.grad is not None


@pytest.mark.parametrize('train', [False, True])
def test_old_checkpoint_layout_loads_and_computes_the_same(train):
    torch.manual_seed(0)
    old = OldCifarVGG(VGG11_CFG, out_indices=(0, 2, 4))
    randomize_bn(old)
    new = CifarVGG(depth=11, out_indices=(0, 2, 4))
    old_state = old.state_dict()
    assert 'layer3.4.running_var' in old_state  # the second conv's BN
    new.load_state_dict(old_state, strict=True)
    assert torch.equal(new.features[5].bn.running_var,
                       old.layer3[4].running_var)
    assert torch.equal(new.features[5].conv.weight, old.layer3[3].weight)
    assert new.features[5].bn.num_batches_tracked.item() == 7
    old.train(train)
    new.train(train)
    x = torch.randn(2, 3, 32, 32)
    for a, b in zip(old(x), new(x)):
        assert torch.equal(a, b)
    # The current layout loads as is.
    again = CifarVGG(depth=11, out_indices=(0, 2, 4))
    again.load_state_dict(new.state_dict(), strict=True)
    assert torch.equal(again.features[5].bn.running_var,
                       new.features[5].bn.running_var)


def test_old_distiller_checkpoint_loads(tmp_path):
    cfg = dict(
        type='SSKT',
        target=dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(
                type='sskt.CifarVGG', depth=11, out_indices=(0, 1, 2, 3, 4)),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=10, in_channels=512)),
        sources=dict(
            imagenet=dict(
                type='FrozenSource',
                arch='resnet18',
                num_classes=3,
                allow_random=True,
                adapter=dict(type='SourceAdapter', scale_factor=1.0))))
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(cfg)
    torch.manual_seed(1)
    old = OldCifarVGG(VGG11_CFG, out_indices=(0, 1, 2, 3, 4))
    randomize_bn(old, seed=1)
    state = {
        k: v
        for k, v in model.state_dict().items()
        if not k.startswith('target.backbone.')
    }
    state.update({
        f'target.backbone.{k}': v
        for k, v in old.state_dict().items()
    })
    path = str(tmp_path / 'epoch_1.pth')
    torch.save(dict(meta=dict(epoch=1), state_dict=state), path)
    load_checkpoint(model, path, strict=True)
    model.eval()
    old.eval()
    x = torch.randn(2, 3, 32, 32)
    for a, b in zip(old(x), model.target.backbone(x)):
        assert torch.equal(a, b)
