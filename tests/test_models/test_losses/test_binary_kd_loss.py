"""BinaryKDLoss against hand-computed values."""
import math

import pytest
import torch

from sskt.models.losses import BinaryKDLoss


def test_hand_computed_value():
    # teacher logit 0 -> p = 1/2; student logit ln 3 -> s = 3/4
    # KL = 1/2 ln((1/2)/(3/4)) + 1/2 ln((1/2)/(1/4)) = 1/2 ln(4/3)
    student = torch.tensor([[math.log(3.0), 0.0]])
    teacher = torch.tensor([[0.0, 0.0]])
    expected = 0.5 * math.log(4 / 3)  # the second class has KL 0
    assert BinaryKDLoss()(student, teacher).item() == pytest.approx(expected)


def test_temperature_scaling_and_batch_mean():
    student = torch.tensor([[2 * math.log(3.0)], [0.0]])
    teacher = torch.zeros(2, 1)
    # T=2 halves the logits: sample 1 is the case above, sample 2 is 0
    expected = 4 * (0.5 * math.log(4 / 3) + 0.0) / 2
    assert BinaryKDLoss(T=2.0)(student,
                               teacher).item() == pytest.approx(expected)


def test_zero_when_equal_and_no_teacher_gradient():
    student = torch.randn(3, 4, requires_grad=True)
    teacher = student.detach().clone().requires_grad_(True)
    loss = BinaryKDLoss()(student, teacher)
    assert loss.item() == pytest.approx(0.0, abs=1e-6)
    (loss + BinaryKDLoss()(student, teacher + 1)).backward()
    assert teacher.grad is None and student.grad is not None


def test_saturated_logits_stay_finite():
    student = torch.tensor([[-100.0, 100.0]])
    teacher = torch.tensor([[100.0, -100.0]])
    assert torch.isfinite(BinaryKDLoss()(student, teacher))
