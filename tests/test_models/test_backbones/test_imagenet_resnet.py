"""ImageNet-style ResNet-18/34/50 targets are mmpretrain's own ``ResNet``."""
import pytest
import torch
import torchvision
from mmpretrain.models import ResNet
from torch import nn

from sskt.registry import MODELS

STAGES = {
    18: (64, 128, 256, 512),
    34: (64, 128, 256, 512),
    50: (256, 512, 1024, 2048),
}


def build_classifier(depth: int, num_classes: int = 20) -> nn.Module:
    return MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(
                type='ResNet', depth=depth, out_indices=(0, 1, 2, 3)),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=STAGES[depth][-1])))


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('depth, expected',
                         [(18, 11_186_772), (34, 21_294_932),
                          (50, 23_549_012)])
def test_parameter_count_matches_torchvision(depth, expected):
    # reference: torchvision's resnet<depth> with fc replaced by a 20-way
    # Linear; the literal numbers are what it gave (torchvision 0.29).
    reference = getattr(torchvision.models, f'resnet{depth}')(weights=None)
    reference.fc = nn.Linear(reference.fc.in_features, 20)
    model = build_classifier(depth)
    assert isinstance(model.backbone, ResNet)
    assert num_params(model) == num_params(reference) == expected


@pytest.mark.parametrize('depth', [18, 34, 50])
def test_stage_shapes_224(depth):
    model = build_classifier(depth).eval()
    with torch.no_grad():
        outs = model.extract_feat(
            torch.randn(1, 3, 224, 224), stage='backbone')
    assert [tuple(o.shape) for o in outs
            ] == [(1, c, s, s) for c, s in zip(STAGES[depth], (56, 28, 14, 7))]
