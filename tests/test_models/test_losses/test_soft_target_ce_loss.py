"""Tests of SoftTargetCELoss, against values computed by hand."""
import math

import pytest
import torch

from sskt.models.losses import KDLoss, SoftTargetCELoss
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

LN2, LN3, LN6 = math.log(2), math.log(3), math.log(6)
# Student softmax: (1/4, 1/4, 1/2) and (1/2, 1/4, 1/4).
STUDENT = torch.tensor([[0., 0., LN2], [LN2, 0., 0.]])
# Teacher softmax: (1/2, 1/4, 1/4) and (1/3, 1/3, 1/3).
TEACHER = torch.tensor([[LN2, 0., 0.], [0., 0., 0.]])
# -sum q log a: row 0: 1/2*2ln2 + 1/4*2ln2 + 1/4*ln2 = 7/4 ln2;
# row 1: 1/3 * (ln2 + 2ln2 + 2ln2) = 5/3 ln2.
CE_ROWS = [7 / 4 * LN2, 5 / 3 * LN2]
CE = sum(CE_ROWS) / 2  # = 41/24 ln2
# Teacher entropies: 1/2 ln2 + 2 * 1/4 * 2ln2 = 3/2 ln2, and ln3.
ENTROPY = (3 / 2 * LN2 + LN3) / 2


def test_hand_value_t1():
    loss = SoftTargetCELoss()
    assert loss(STUDENT, TEACHER).item() == pytest.approx(CE)
    assert CE == pytest.approx(41 / 24 * LN2)


def test_temperature_scaling():
    # At T=1 the doubled logits give softmaxes (1,1,4)/6, (4,1,1)/6 (student)
    # and (4,1,1)/6, uniform (teacher):
    # row 0: -[4/6 ln(1/6) + 1/6 ln(1/6) + 1/6 ln(4/6)]
    # row 1: -1/3 [ln(4/6) + 2 ln(1/6)]
    t1 = (5 / 6 * LN6 + 1 / 6 * math.log(3 / 2) +
          (math.log(3 / 2) + 2 * LN6) / 3) / 2
    assert SoftTargetCELoss(T=1)(2 * STUDENT, 2 * TEACHER).item() == \
        pytest.approx(t1)
    # At T=2 they soften back to the T=1 softmaxes of STUDENT/TEACHER, and
    # the loss is scaled by T^2 = 4.
    assert SoftTargetCELoss(T=2)(2 * STUDENT, 2 * TEACHER).item() == \
        pytest.approx(4 * CE)


def test_minus_kd_is_teacher_entropy():
    torch.manual_seed(0)
    student, teacher = torch.randn(4, 10), torch.randn(4, 10)
    for T in (1.0, 3.0):
        diff = SoftTargetCELoss(T=T)(student, teacher) - KDLoss(T=T)(student,
                                                                     teacher)
        soft = torch.softmax(teacher / T, dim=1)
        entropy = -(soft * soft.log()).sum(1).mean()
        assert diff.item() == pytest.approx(T**2 * entropy.item(), rel=1e-5)
    # ... on the hand example too.
    diff = SoftTargetCELoss()(STUDENT, TEACHER) - KDLoss()(STUDENT, TEACHER)
    assert diff.item() == pytest.approx(ENTROPY)


def test_gradient_reaches_the_student_only():
    student = STUDENT.clone().requires_grad_()
    teacher = TEACHER.clone().requires_grad_()
    SoftTargetCELoss(T=2)(student, teacher).backward()
    assert teacher.grad is None
    # d/da (T^2 * CE / B) = T * (softmax(a/T) - softmax(q/T)) / B
    expected = 2 * (torch.softmax(STUDENT / 2, 1) -
                    torch.softmax(TEACHER / 2, 1)) / 2
    assert torch.allclose(student.grad, expected, atol=1e-6)


def test_loss_weight_weight_and_avg_factor():
    loss = MODELS.build(dict(type='SoftTargetCELoss', loss_weight=0.5))
    for avg_factor in (None, 2, 100):
        assert loss(STUDENT, TEACHER, avg_factor=avg_factor).item() == \
            pytest.approx(CE / 2)
    weighted = loss(STUDENT, TEACHER, weight=torch.tensor([1., 3.]))
    assert weighted.item() == pytest.approx(0.5 *
                                            (CE_ROWS[0] + 3 * CE_ROWS[1]) / 2)


def test_errors():
    with pytest.raises(ConfigError, match='T must be'):
        SoftTargetCELoss(T=0)
    with pytest.raises(ValueError, match=r'\(2, 3\).*\(2, 4\)'):
        SoftTargetCELoss()(STUDENT, torch.zeros(2, 4))
