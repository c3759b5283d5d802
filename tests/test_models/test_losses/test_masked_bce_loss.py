"""Tests of MaskedBCEWithLogitsLoss."""
import math

import pytest
import torch
from mmpretrain.models import CrossEntropyLoss, MultiLabelClsHead
from mmpretrain.structures import DataSample

from sskt.models.losses import MaskedBCEWithLogitsLoss
from sskt.registry import MODELS

LN3 = math.log(3)
# BCE-with-logits(x, y) = softplus(x) - x * y; softplus(0) = ln 2,
# softplus(ln 3) = ln 4, softplus(-ln 3) = ln(4/3).
LOGITS = torch.tensor([[0., LN3, LN3], [LN3, 0., -LN3]])
TARGET = torch.tensor([[1., 0., -1.], [-1., 1., 0.]])
# Kept entries: (0,0) ln 2, (0,1) ln 4, (1,1) ln 2, (1,2) ln(4/3).
KEPT = [math.log(2), math.log(4), math.log(2), math.log(4 / 3)]


def test_equals_mmpretrain_bce_when_nothing_ignored():
    torch.manual_seed(0)
    logits = torch.randn(5, 20)
    target = (torch.rand(5, 20) > 0.7).float()
    weight = torch.rand(5)
    ours = MaskedBCEWithLogitsLoss(loss_weight=0.5)
    theirs = CrossEntropyLoss(use_sigmoid=True, loss_weight=0.5)
    assert ours(logits, target) == pytest.approx(
        theirs(logits, target).item(), rel=1e-6)
    assert ours(
        logits, target, weight=weight) == pytest.approx(
            theirs(logits, target, weight=weight).item(), rel=1e-6)
    # ... which is torch's mean over N x C entries (the original SSKT loss).
    assert ours(logits, target) == pytest.approx(
        torch.nn.BCEWithLogitsLoss()(logits, target).item() * 0.5, rel=1e-6)


def test_hand_computed_with_ignored_entries():
    loss = MaskedBCEWithLogitsLoss()
    assert loss(LOGITS, TARGET).item() == pytest.approx(sum(KEPT) / 4)
    # loss_weight scales; avg_factor (the head passes the batch size) is
    # not used.
    weighted = MaskedBCEWithLogitsLoss(loss_weight=2.0)
    for avg_factor in (None, 2, 100):
        assert weighted(LOGITS, TARGET, avg_factor=avg_factor).item() == \
            pytest.approx(sum(KEPT) / 2)


def test_sample_and_element_weights():
    loss = MaskedBCEWithLogitsLoss()
    # Per-sample weights (1, 3): the denominator stays the 4 kept entries.
    per_sample = loss(LOGITS, TARGET, weight=torch.tensor([1., 3.]))
    assert per_sample.item() == pytest.approx(
        (KEPT[0] + KEPT[1] + 3 * KEPT[2] + 3 * KEPT[3]) / 4)
    element = torch.tensor([[2., 0., 5.], [7., 1., 1.]])
    assert loss(
        LOGITS, TARGET, weight=element).item() == pytest.approx(
            (2 * KEPT[0] + KEPT[2] + KEPT[3]) / 4)


def test_ignored_entries_get_no_gradient():
    logits = LOGITS.clone().requires_grad_()
    MaskedBCEWithLogitsLoss()(logits, TARGET).backward()
    grad = logits.grad
    assert grad[0, 2] == 0 and grad[1, 0] == 0
    # d/dx of the mean over 4 kept entries: (sigmoid(x) - y) / 4.
    assert grad[0, 0].item() == pytest.approx((0.5 - 1) / 4)
    assert grad[1, 2].item() == pytest.approx(0.25 / 4)


def test_all_ignored_is_zero_with_zero_gradient():
    logits = torch.randn(2, 3, requires_grad=True)
    loss = MaskedBCEWithLogitsLoss()(logits, torch.full((2, 3), -1.))
    assert loss.item() == 0
    loss.backward()
    assert torch.equal(logits.grad, torch.zeros(2, 3))


def test_custom_ignore_value_and_integer_target():
    target = torch.tensor([[1, 0, 255], [255, 1, 0]])
    loss = MaskedBCEWithLogitsLoss(ignore_value=255)
    assert loss(LOGITS, target).item() == pytest.approx(sum(KEPT) / 4)


def test_shape_mismatch():
    with pytest.raises(ValueError, match='must have one shape'):
        MaskedBCEWithLogitsLoss()(LOGITS, TARGET[:, :2])


def test_registry_and_head_call():
    assert isinstance(
        MODELS.build(dict(type='MaskedBCEWithLogitsLoss')),
        MaskedBCEWithLogitsLoss)
    # Inside an mmpretrain model the loss is named with its scope.
    head = MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='MultiLabelClsHead',
            loss=dict(type='sskt.MaskedBCEWithLogitsLoss')))
    assert isinstance(head, MultiLabelClsHead)
    samples = [DataSample().set_gt_score(row) for row in TARGET]
    losses = head.loss((LOGITS, ), samples)
    assert losses['loss'].item() == pytest.approx(sum(KEPT) / 4)
