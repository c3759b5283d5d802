"""A target from mmpretrain with our backbone inside, under scope ``sskt``.

``type='mmpretrain.ImageClassifier'`` alone switches the scope for the
classifier only: what it builds inside (its data preprocessor) is still looked
up in the default scope ``sskt`` and is not found. A model dict that carries
``_scope_='mmpretrain'`` builds everything inside in mmpretrain, and our own
modules are named ``sskt.X``.
"""
import pytest
import torch
from mmengine.registry import DefaultScope, init_default_scope
from mmpretrain.models import ClsDataPreprocessor, ImageClassifier
from mmpretrain.structures import DataSample

from sskt.models.backbones import CifarResNet
from sskt.registry import MODELS

MEAN = [125.307, 122.961, 113.8575]
STD = [51.5865, 50.847, 51.255]


@pytest.fixture
def sskt_default_scope():
    """Set the default scope to ``sskt`` and restore the previous state."""
    saved = DefaultScope._instance_dict.copy()
    init_default_scope('sskt')
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)


def test_scoped_type_alone_fails(sskt_default_scope):
    cfg = dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='sskt.CifarResNet', depth=20),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
    with pytest.raises(KeyError, match='ClsDataPreprocessor'):
        MODELS.build(cfg)


def test_model_dict_with_scope_builds_and_trains(sskt_default_scope):
    assert DefaultScope.get_current_instance().scope_name == 'sskt'
    cfg = dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='sskt.CifarResNet', depth=20),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64),
        data_preprocessor=dict(num_classes=10, mean=MEAN, std=STD))
    model = MODELS.build(cfg)
    assert isinstance(model, ImageClassifier)
    assert isinstance(model.backbone, CifarResNet)
    assert isinstance(model.data_preprocessor, ClsDataPreprocessor)
    # building did not leave the default scope switched
    assert DefaultScope.get_current_instance().scope_name == 'sskt'

    model.init_weights()
    model.train()
    torch.manual_seed(0)
    images = [
        torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8) for _ in range(4)
    ]
    samples = [DataSample().set_gt_label(i) for i in range(4)]
    data = model.data_preprocessor(
        dict(inputs=images, data_samples=samples), training=True)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert set(losses) == {'loss'}
    assert torch.isfinite(losses['loss'])
    losses['loss'].backward()
    assert model.backbone.conv1.weight.grad is not None
