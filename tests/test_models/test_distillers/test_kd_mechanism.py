"""KD's gradients, checked by value: they reach the student only.

The distillation term's gradient with respect to the student's logits must
be the formula's, ``kd_weight * T * (softmax(a/T) - softmax(q/T)) / B``
(the gradient of ``kd_weight * T^2 * KL_batchmean``), and the target loss's
``ce_weight * (softmax(a) - onehot(y)) / B``; the teacher gets nothing and
sees the student's batch. Swapping the KD arguments, dropping ``T`` or a
weight, or letting the teacher train fails these tests.
"""
from typing import Dict, List

import torch
from mmpretrain.structures import DataSample

from tests.test_models import reference_ops as ref
from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           classifier_cfg)

CE_WEIGHT, KD_WEIGHT, T, N = 0.25, 0.75, 2.0, 4


def build() -> torch.nn.Module:
    torch.manual_seed(0)
    model = build_model(
        dict(
            type='KD',
            target=classifier_cfg(),
            teacher=dict(
                type='FrozenClassifier',
                model=classifier_cfg(),
                allow_random=True),
            ce_weight=CE_WEIGHT,
            kd_weight=KD_WEIGHT,
            T=T))
    return model.train()


def batch(model) -> dict:
    generator = torch.Generator().manual_seed(0)
    data = dict(
        inputs=[
            torch.randint(
                0, 256, (3, 16, 16), generator=generator, dtype=torch.uint8)
            for _ in range(N)
        ],
        data_samples=[DataSample().set_gt_label(i % 10) for i in range(N)])
    return model.data_preprocessor(data, training=True)


def run(model, data: dict):
    """The losses, the student's logits (one per head call, grads kept), the
    teacher's input and logits."""
    student: List[torch.Tensor] = []
    teacher: Dict[str, torch.Tensor] = {}

    def on_head(module, args, output):
        output = output.clone()
        output.retain_grad()
        student.append(output)
        return output

    def on_teacher(module, args, output):
        teacher['input'], teacher['logits'] = args[0], output

    handles = [
        model.target.head.register_forward_hook(on_head),
        model.teacher.register_forward_hook(on_teacher)
    ]
    try:
        losses = model(**data, mode='loss')
    finally:
        for handle in handles:
            handle.remove()
    return losses, student, teacher


def logit_grad(student: List[torch.Tensor], loss: torch.Tensor):
    """The gradient ``loss`` alone sends the student's logits."""
    for logits in student:
        logits.grad = None
    loss.backward(retain_graph=True)
    grads = [s.grad for s in student if s.grad is not None]
    assert len(grads) == 1, 'the loss should reach one head output'
    return grads[0]


def test_kd_term_gradient_is_the_formula_and_reaches_the_student_only():
    model = build()
    data = batch(model)
    losses, student, teacher = run(model, data)
    assert teacher['input'] is data['inputs']
    a, q = student[-1].detach(), teacher['logits']
    assert not q.requires_grad
    torch.testing.assert_close(losses['loss_kd'],
                               KD_WEIGHT * ref.kd_batchmean(a, q, T))
    expected = KD_WEIGHT * T * (ref.softmax_t(a, T) - ref.softmax_t(q, T)) / N
    torch.testing.assert_close(
        logit_grad(student, losses['loss_kd']), expected, rtol=1e-4, atol=1e-8)
    assert model.target.backbone.conv1.weight.grad.abs().max() > 0
    for param in model.teacher.parameters():
        assert not param.requires_grad and param.grad is None


def test_target_loss_gradient_is_weighted_cross_entropy():
    model = build()
    data = batch(model)
    losses, student, _ = run(model, data)
    a = student[-1].detach()
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    onehot = torch.zeros_like(a).scatter_(1, labels.view(-1, 1), 1.)
    expected = CE_WEIGHT * (ref.softmax_t(a, 1.) - onehot) / N
    torch.testing.assert_close(
        logit_grad(student, losses['loss_cls']),
        expected,
        rtol=1e-4,
        atol=1e-8)
