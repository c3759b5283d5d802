"""Tests of KDLoss, against values computed by hand."""
import math

import pytest
import torch
import torch.nn.functional as F

from sskt.models.losses import KDLoss
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

LN2, LN3 = math.log(2), math.log(3)
# Student softmax: (1/4, 1/4, 1/2) and (1/2, 1/4, 1/4).
STUDENT = torch.tensor([[0., 0., LN2], [LN2, 0., 0.]])
# Teacher softmax: (1/2, 1/4, 1/4) and (1/3, 1/3, 1/3).
TEACHER = torch.tensor([[LN2, 0., 0.], [0., 0., 0.]])
# KL(q || a) = sum q log q - sum q log a:
# row 0: -3/2 ln2 + 7/4 ln2 = 1/4 ln2; row 1: -ln3 + 5/3 ln2.
KL_ROWS = [LN2 / 4, 5 / 3 * LN2 - LN3]
KL = sum(KL_ROWS) / 2  # batchmean


def test_hand_value_batchmean():
    assert KDLoss()(STUDENT, TEACHER).item() == pytest.approx(KL)


def test_mean_is_batchmean_over_k():
    # The original's nn.KLDivLoss() element-mean: 1/K of batchmean.
    assert KDLoss(reduction='mean')(STUDENT, TEACHER).item() == \
        pytest.approx(KL / 3)
    torch.manual_seed(0)
    student, teacher = torch.randn(4, 8), torch.randn(4, 8)
    for T in (1.0, 3.0):
        mean = KDLoss(T=T, reduction='mean')(student, teacher)
        batchmean = KDLoss(T=T)(student, teacher)
        # B and K are powers of two, so the divisions are exact.
        assert torch.equal(mean, batchmean / 8)
        weight = torch.rand(4)
        assert torch.equal(
            KDLoss(T=T, reduction='mean')(student, teacher, weight=weight),
            KDLoss(T=T)(student, teacher, weight=weight) / 8)


def test_matches_f_kl_div():
    torch.manual_seed(0)
    student, teacher = torch.randn(3, 5), torch.randn(3, 5)
    pointwise = F.kl_div(
        F.log_softmax(student / 3, 1),
        F.softmax(teacher / 3, 1),
        reduction='none')
    # torch's 'mean' (deprecated, to become 'batchmean') is the mean of the
    # pointwise terms.
    for reduction, reduced in (('batchmean', pointwise.sum() / 3),
                               ('mean', pointwise.mean())):
        expected = 9 * reduced
        assert torch.allclose(
            KDLoss(T=3, reduction=reduction)(student, teacher), expected)
        if reduction == 'batchmean':
            assert torch.allclose(
                expected, 9 * F.kl_div(
                    F.log_softmax(student / 3, 1),
                    F.softmax(teacher / 3, 1),
                    reduction='batchmean'))
        # Unit per-sample weights change nothing.
        assert torch.allclose(
            KDLoss(T=3, reduction=reduction)(
                student, teacher, weight=torch.ones(3)), expected)


def test_temperature_scaling():
    # At T=1 the doubled logits give softmaxes (1,1,4)/6, (4,1,1)/6 (student)
    # and (4,1,1)/6, uniform (teacher):
    # row 0: 4/6 ln(4/1) + 1/6 ln(1/1) + 1/6 ln(1/4) = 1/2 ln4 = ln2;
    # row 1: 1/3 [ln((1/3)/(4/6)) + 2 ln((1/3)/(1/6))] = 1/3 ln2.
    assert KDLoss()(2 * STUDENT, 2 * TEACHER).item() == \
        pytest.approx((LN2 + LN2 / 3) / 2)
    # At T=2 they soften back to the T=1 softmaxes of STUDENT/TEACHER, and
    # the loss is scaled by T^2 = 4.
    assert KDLoss(T=2)(2 * STUDENT, 2 * TEACHER).item() == \
        pytest.approx(4 * KL)


def test_gradient_reaches_the_student_only():
    student = STUDENT.clone().requires_grad_()
    teacher = TEACHER.clone().requires_grad_()
    KDLoss()(student, teacher).backward()
    assert teacher.grad is None
    expected = (torch.softmax(STUDENT, 1) - torch.softmax(TEACHER, 1)) / 2
    assert torch.allclose(student.grad, expected, atol=1e-6)


def test_loss_weight_weight_and_avg_factor():
    loss = MODELS.build(dict(type='KDLoss', loss_weight=3.0))
    for avg_factor in (None, 2, 100):
        assert loss(STUDENT, TEACHER, avg_factor=avg_factor).item() == \
            pytest.approx(3 * KL)
    weighted = loss(STUDENT, TEACHER, weight=torch.tensor([2., 0.]))
    assert weighted.item() == pytest.approx(3 * 2 * KL_ROWS[0] / 2)


def test_errors():
    with pytest.raises(ConfigError, match='reduction'):
        KDLoss(reduction='sum')
    with pytest.raises(ConfigError, match='T must be'):
        KDLoss(T=-1)
    with pytest.raises(ValueError, match='shape'):
        KDLoss()(STUDENT, TEACHER[0])
