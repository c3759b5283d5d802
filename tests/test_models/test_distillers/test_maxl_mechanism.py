"""MAXL's mechanism, checked by value on a tiny case through ``train_step``.

What defines MAXL (Liu et al., 2019; ``sskt/models/distillers/maxl.py``):
the generator's labels are a softmax restricted, per sample, to the ``psi``
auxiliary classes its primary label owns; the multi-task net steps on
``focal(primary, y) + focal(aux, generated labels)`` with the labels held
fixed; the generator steps along ``-d L_primary(theta') / d phi`` (plus the
entropy term), ``theta' = theta - xi grad L_train``. Each is written out
here independently of the model's own helpers.
"""
import copy
import math

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from torch.func import functional_call

from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           classifier_cfg)

PSI = (2, 3)
LABELS = (0, 1, 1, 0)
TARGET_LR, GENERATOR_LR = 0.1, 0.05
#: Generator logits fixed by its head's bias (weights 0): label 0 owns
#: (0, ln 3) -> (1/4, 3/4); label 1 owns (0, ln 2, ln 5) -> (1, 2, 5) / 8.
BIAS = (0., math.log(3), 0., math.log(2), math.log(5))
LABELS_BY_HAND = {
    0: [1 / 4, 3 / 4, 0., 0., 0.],
    1: [0., 0., 1 / 8, 2 / 8, 5 / 8],
}


class MultiTask(torch.nn.Module):
    """The target and the aux head on its pooled feature, for
    ``functional_call`` (parameter names ``target.*``, ``aux_head.*``)."""

    def __init__(self, target, aux_head) -> None:
        super().__init__()
        self.target, self.aux_head = target, aux_head

    def forward(self, inputs):
        feats = self.target.extract_feat(inputs)
        return self.target.head(feats), self.aux_head(feats)


def build(entropy_weight: float = 0.0) -> torch.nn.Module:
    torch.manual_seed(0)
    model = build_model(
        dict(
            type='MAXL',
            target=classifier_cfg(len(PSI)),
            psi=list(PSI),
            generator=classifier_cfg(sum(PSI), preprocessor=False),
            entropy_weight=entropy_weight))
    return model.train()


def plain_sgd(model):
    cfg = dict(
        constructor='SeparateOptimWrapperConstructor',
        target=dict(
            modules=['target', 'aux_head'],
            optimizer=dict(type='SGD', lr=TARGET_LR)),
        generator=dict(optimizer=dict(type='SGD', lr=GENERATOR_LR)))
    with DefaultScope.overwrite_default_scope('sskt'):
        return build_optim_wrapper(model, cfg)


def raw_batch() -> dict:
    generator = torch.Generator().manual_seed(0)
    return dict(
        inputs=[
            torch.randint(
                0, 256, (3, 16, 16), generator=generator, dtype=torch.uint8)
            for _ in LABELS
        ],
        data_samples=[DataSample().set_gt_label(y) for y in LABELS])


def focal(logits, weights, gamma: float = 2.0):
    """``1/B sum_i -sum_c w_ic (1 - p_ic)^gamma log p_ic``, p = softmax."""
    p = torch.softmax(logits, dim=1)
    return -(weights * (1 - p)**gamma * torch.log(p)).sum(dim=1).mean()


def fixed_generator(model) -> None:
    fc = model.generator.head.fc
    with torch.no_grad():
        fc.weight.zero_()
        fc.bias.copy_(torch.tensor(BIAS))


def test_generated_labels_are_the_softmax_over_the_owned_classes():
    model = build()
    fixed_generator(model)
    data = model.data_preprocessor(raw_batch(), True)
    labels = torch.tensor(LABELS)
    generated = model.generate_labels(data['inputs'], labels)
    expected = torch.tensor([LABELS_BY_HAND[y] for y in LABELS])
    torch.testing.assert_close(generated, expected)


def test_multi_task_step_descends_focal_losses_on_the_generated_labels():
    model = build()
    fixed_generator(model)
    reference = copy.deepcopy(model)
    log_vars = model.train_step(raw_batch(), plain_sgd(model))
    # by hand: the same forward, the hand-written labels and focal losses
    data = reference.data_preprocessor(raw_batch(), True)
    feats = reference.target.extract_feat(data['inputs'])
    primary = reference.target.head(feats)
    aux = reference.aux_head(feats)
    labels = torch.tensor(LABELS)
    onehot = torch.zeros(len(LABELS),
                         len(PSI)).scatter_(1, labels.view(-1, 1), 1.)
    aux_labels = torch.tensor([LABELS_BY_HAND[y] for y in LABELS])
    loss_primary, loss_aux = focal(primary, onehot), focal(aux, aux_labels)
    torch.testing.assert_close(log_vars['loss_primary'], loss_primary)
    torch.testing.assert_close(log_vars['loss_aux'], loss_aux)
    names = [
        n for n, _ in reference.named_parameters()
        if n.startswith(('target.', 'aux_head.'))
    ]
    params = [reference.get_parameter(n) for n in names]
    grads = torch.autograd.grad(
        loss_primary + loss_aux, params, allow_unused=True)
    assert grads[names.index('aux_head.fc.weight')].abs().max() > 0
    for name, before, grad in zip(names, params, grads):
        step = 0 if grad is None else TARGET_LR * grad
        torch.testing.assert_close(
            model.get_parameter(name),
            before - step,
            rtol=1e-4,
            atol=1e-6,
            msg=name)


@pytest.mark.parametrize('entropy_weight', [0.0, 0.5])
def test_generator_steps_down_the_exact_meta_gradient(entropy_weight):
    model = build(entropy_weight).double()
    optim = plain_sgd(model)
    start = copy.deepcopy(model)
    model.train_step(raw_batch(), optim)
    # the generator steps at theta after step 1 (which it does not change)
    reference = copy.deepcopy(start)
    reference.target.load_state_dict(model.target.state_dict())
    reference.aux_head.load_state_dict(model.aux_head.state_dict())
    data = reference.data_preprocessor(raw_batch(), True)
    inputs = data['inputs'].double()
    labels = torch.tensor(LABELS)
    onehot = torch.zeros(len(LABELS), len(PSI), dtype=torch.double)
    onehot.scatter_(1, labels.view(-1, 1), 1.)
    phi = list(reference.generator.parameters())
    # labels: softmax over the owned classes, written with the psi layout
    logits = reference.generator(inputs, mode='tensor')
    owned = torch.zeros_like(logits, dtype=torch.bool)
    for i, y in enumerate(LABELS):
        start_index = sum(PSI[:y])
        owned[i, start_index:start_index + PSI[y]] = True
    aux_labels = torch.softmax(
        logits.masked_fill(~owned, float('-inf')), dim=1)
    # theta' = theta - xi * grad L_train(theta, phi), differentiable in phi
    names = [
        n for n, _ in reference.named_parameters()
        if n.startswith(('target.', 'aux_head.'))
    ]
    theta = [reference.get_parameter(n) for n in names]
    net = MultiTask(reference.target, reference.aux_head)
    buffers = {n: b.clone() for n, b in net.named_buffers()}

    def multi_task(params):
        state = dict(buffers)
        state.update(zip(names, params))
        return functional_call(net, state, (inputs, ))

    primary, aux = multi_task(theta)
    train_loss = focal(primary, onehot) + focal(aux, aux_labels)
    grads = torch.autograd.grad(
        train_loss, theta, create_graph=True, allow_unused=True)
    virtual = [
        p if g is None else p - TARGET_LR * g for p, g in zip(theta, grads)
    ]
    mean = aux_labels.mean(dim=0)
    objective = focal(
        multi_task(virtual)[0],
        onehot) + entropy_weight * (mean * torch.log(mean + 1e-20)).sum()
    exact = torch.cat(
        [g.flatten() for g in torch.autograd.grad(objective, phi)])
    step = torch.cat([(after - before).flatten() for after, before in zip(
        model.generator.parameters(), start.generator.parameters())])
    assert exact.norm() > 0
    # SGD: the step is -lr times the (finite-difference) meta-gradient
    assert (step + GENERATOR_LR * exact).norm() < 2e-2 * (
        GENERATOR_LR * exact.norm())
