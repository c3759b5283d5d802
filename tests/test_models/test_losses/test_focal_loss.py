"""Tests of the softmax FocalLoss, against values computed by hand."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample

from sskt.models.losses import FocalLoss, SoftTargetCELoss
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

LN2 = math.log(2)
# Softmax: (1/4, 1/4, 1/2) and (1/2, 1/4, 1/4).
LOGITS = torch.tensor([[0., 0., LN2], [LN2, 0., 0.]])
LABELS = torch.tensor([2, 1])
# -(1 - p_y)^2 log p_y: row 0: (1/2)^2 ln2 = 1/4 ln2;
# row 1: (3/4)^2 * 2ln2 = 9/8 ln2.
HARD_ROWS = [LN2 / 4, 9 / 8 * LN2]
# Teacher softmax: (1/2, 1/4, 1/4) and (1/3, 1/3, 1/3).
TEACHER = torch.tensor([[LN2, 0., 0.], [0., 0., 0.]])
# -sum_c w_c (1 - p_c)^2 log p_c:
# row 0: 1/2*9/16*2ln2 + 1/4*9/16*2ln2 + 1/4*1/4*ln2 = 29/32 ln2;
# row 1: 1/3 * (1/4 ln2 + 9/16*2ln2 + 9/16*2ln2) = 5/6 ln2.
SOFT_ROWS = [29 / 32 * LN2, 5 / 6 * LN2]


def test_hard_targets_hand_value():
    loss = FocalLoss()
    assert loss(LOGITS, LABELS).item() == pytest.approx(11 / 16 * LN2)
    assert sum(HARD_ROWS) / 2 == pytest.approx(11 / 16 * LN2)


def test_soft_targets_hand_value():
    loss = FocalLoss()
    assert loss(LOGITS, TEACHER).item() == pytest.approx(167 / 192 * LN2)
    assert sum(SOFT_ROWS) / 2 == pytest.approx(167 / 192 * LN2)


def test_gamma_zero_is_cross_entropy():
    torch.manual_seed(0)
    logits, teacher = torch.randn(6, 10), torch.randn(6, 10)
    labels = torch.randint(0, 10, (6, ))
    focal = FocalLoss(gamma=0)
    assert focal(logits, labels).item() == pytest.approx(
        F.cross_entropy(logits, labels).item(), rel=1e-5)
    assert focal(logits, teacher).item() == pytest.approx(
        SoftTargetCELoss()(logits, teacher).item(), rel=1e-5)
    # The hand example: -ln(1/2) and -ln(1/4).
    assert focal(LOGITS, LABELS).item() == pytest.approx(3 / 2 * LN2)


def test_gradient_reaches_the_student_only():
    logits = LOGITS.clone().requires_grad_()
    teacher = TEACHER.clone().requires_grad_()
    FocalLoss()(logits, teacher).backward()
    assert teacher.grad is None
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_loss_weight_weight_and_avg_factor():
    loss = MODELS.build(dict(type='FocalLoss', loss_weight=2.0))
    for avg_factor in (None, 2, 100):
        assert loss(LOGITS, LABELS, avg_factor=avg_factor).item() == \
            pytest.approx(2 * 11 / 16 * LN2)
    weighted = loss(LOGITS, TEACHER, weight=torch.tensor([0., 1.]))
    assert weighted.item() == pytest.approx(2 * SOFT_ROWS[1] / 2)


def test_as_the_loss_of_an_mmpretrain_head():
    head = MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='LinearClsHead',
            num_classes=3,
            in_channels=4,
            loss=dict(type='sskt.FocalLoss')))
    assert isinstance(head.loss_module, FocalLoss)
    feats = (torch.randn(2, 4), )
    samples = [DataSample().set_gt_label(int(y)) for y in LABELS]
    losses = head.loss(feats, samples)
    expected = FocalLoss()(head(feats), LABELS)
    assert torch.allclose(losses['loss'], expected)


def test_errors():
    with pytest.raises(ConfigError, match='gamma'):
        FocalLoss(gamma=-1)
    with pytest.raises(ValueError, match='integer labels'):
        FocalLoss()(LOGITS, torch.tensor([[0, 1, 0], [1, 0, 0]]))
    with pytest.raises(ValueError, match='soft targets'):
        FocalLoss()(LOGITS, torch.zeros(2))
