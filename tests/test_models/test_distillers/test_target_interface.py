"""target_interface: the one way a distiller runs an image classifier or a
video recognizer; every value checked against a separate computation."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from mmpretrain.structures import DataSample

from sskt.models.distillers.target_interface import (ImageTarget, VideoTarget,
                                                     target_interface)
from sskt.utils.errors import ConfigError
from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           classifier_cfg,
                                                           recognizer_cfg)


def _build(cfg):
    torch.manual_seed(0)
    return build_model(cfg).eval()


def test_image_target_stages_logits_and_loss():
    model = _build(classifier_cfg(out_indices=(0, 1, 2)))
    target = target_interface(model)
    assert type(target) is ImageTarget and target.num_classes == 10
    assert not target.multi_label
    inputs = torch.randn(3, 3, 32, 32)
    feats = target.stage_features(inputs)
    # by hand: the backbone's three stages, pooled last stage, linear head
    stages = model.backbone(inputs)
    assert len(feats.stages) == 3 and feats.head_kwargs == {}
    for got, expected in zip(feats.stages, stages):
        assert torch.equal(got, expected)
    fc = model.head.fc
    pooled = stages[-1].mean(dim=(2, 3))
    logits = target.logits(feats)
    torch.testing.assert_close(logits, pooled @ fc.weight.T + fc.bias)
    assert torch.equal(target.logits_of(inputs), logits)
    samples = [DataSample().set_gt_label(y) for y in (0, 4, 9)]
    losses = target.loss(logits, samples)
    assert list(losses) == ['loss_cls']
    torch.testing.assert_close(
        losses['loss_cls'], F.cross_entropy(logits, torch.tensor([0, 4, 9])))
    assert target.source_inputs(inputs) is inputs


def test_video_target_folds_clips_and_uses_the_cls_head():
    model = _build(recognizer_cfg())
    target = target_interface(model)
    assert type(target) is VideoTarget and target.head is model.cls_head
    inputs = torch.randn(2, 3, 3, 4, 32, 32)  # 2 videos x 3 clips
    folded = target.source_inputs(inputs)
    assert folded.shape == (6, 3, 4, 32, 32)
    assert torch.equal(folded[4], inputs[1, 1])
    feats = target.stage_features(inputs)
    stages = model.backbone(folded)
    assert len(feats.stages) == 4
    assert torch.equal(feats.stages[-1], stages[-1])
    # by hand: global average pool of the last stage, then the fc
    fc = model.cls_head.fc_cls
    pooled = stages[-1].mean(dim=(2, 3, 4))
    logits = target.logits(feats)
    torch.testing.assert_close(logits, pooled @ fc.weight.T + fc.bias)
    samples = [ActionDataSample().set_gt_labels(y) for y in (1, 3)]
    losses = target.loss(logits[:2], samples)
    torch.testing.assert_close(
        losses['loss_cls'], F.cross_entropy(logits[:2], torch.tensor([1, 3])))


def test_a_model_without_a_classification_head_is_refused():
    with pytest.raises(ConfigError, match='neither a `head`'):
        target_interface(nn.Linear(2, 2))
    model = nn.Module()
    model.head = nn.Linear(2, 2)
    with pytest.raises(ConfigError, match='_get_loss'):
        target_interface(model)
