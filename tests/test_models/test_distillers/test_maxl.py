"""MAXL on tiny CIFAR ResNets: label generation, the alternating updates,
the first-order meta-gradient and a short run that learns."""
import copy
import math

import pytest
import torch
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from torch.func import functional_call

from sskt.models.distillers.label_generator import (auxiliary_mask,
                                                    entropy_regulariser,
                                                    mask_softmax)
from sskt.models.distillers.maxl import _MultiTaskNet
from sskt.models.losses.focal_loss import soft_focal_loss
from sskt.utils.errors import ConfigError
from tests.test_models import reference_ops as ref
from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           classifier_cfg)


def build(psi=(2, 3), **kwargs):
    cfg = dict(
        type='MAXL',
        target=classifier_cfg(len(psi)),
        psi=list(psi),
        generator=classifier_cfg(sum(psi), preprocessor=False))
    cfg.update(kwargs)
    return build_model(cfg)


def optim_wrappers(model, target_lr=0.1):
    cfg = dict(
        constructor='SeparateOptimWrapperConstructor',
        target=dict(
            modules=['target', 'aux_head'],
            optimizer=dict(type='SGD', lr=target_lr, momentum=0.9)),
        generator=dict(optimizer=dict(type='SGD', lr=1e-3, weight_decay=5e-4)))
    with DefaultScope.overwrite_default_scope('sskt'):
        return build_optim_wrapper(model, cfg)


def raw_batch(n=6, classes=2, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return dict(
        inputs=[
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[
            DataSample().set_gt_label(i % classes) for i in range(n)
        ])


def batch(model, **kwargs):
    data = model.data_preprocessor(raw_batch(**kwargs), training=True)
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    return data['inputs'], labels


def clone_state(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


# ------------------------------------------------------------ label maths
def test_mask_and_mask_softmax_by_hand():
    mask = auxiliary_mask(torch.tensor([0, 1]), (2, 3))
    assert mask.tolist() == [[True, True, False, False, False],
                             [False, False, True, True, True]]
    logits = torch.tensor([[0., 0., math.log(1), math.log(2), math.log(3)]])
    labels = mask_softmax(logits, auxiliary_mask(torch.tensor([1]), (2, 3)))
    assert torch.allclose(labels, torch.tensor([[0, 0, 1 / 6, 2 / 6, 3 / 6]]))
    labels = mask_softmax(logits, auxiliary_mask(torch.tensor([0]), (2, 3)))
    assert torch.allclose(labels, torch.tensor([[.5, .5, 0, 0, 0]]))


def test_entropy_regulariser_and_soft_focal_loss_by_hand():
    spread = torch.tensor([[1., 0.], [0., 1.]])  # batch mean (1/2, 1/2)
    assert entropy_regulariser(spread).item() == pytest.approx(-math.log(2))
    collapsed = torch.tensor([[1., 0.], [1., 0.]])
    assert entropy_regulariser(collapsed).item() == pytest.approx(0.)
    # p = (1/2, 1/2): -(0.5 * 0.5^2 * ln .5) * 2 classes = 0.25 ln 2
    loss = soft_focal_loss(torch.zeros(1, 2), torch.tensor([[.5, .5]]), 2.0)
    assert loss.item() == pytest.approx(0.25 * math.log(2))


@pytest.mark.parametrize('psi', [[0, 3], [2, True], [], 5])
def test_psi_must_be_positive_ints(psi):
    cfg = dict(
        type='MAXL',
        target=classifier_cfg(2, preprocessor=False),
        psi=psi,
        generator=classifier_cfg(5, preprocessor=False))
    with pytest.raises(ConfigError, match='positive ints'):
        build_model(cfg)


def test_psi_must_fit_target_and_generator_classes():
    with pytest.raises(ConfigError, match='4 classes but len\\(psi\\) = 2'):
        build(target=classifier_cfg(4, preprocessor=False))
    with pytest.raises(ConfigError, match='5 classes but sum\\(psi\\) = 6'):
        build(psi=(2, 4), generator=classifier_cfg(5, preprocessor=False))


# ------------------------------------------------------------ modes
def hand_multi_task(model, inputs, labels):
    """Primary and aux focal losses and the label entropy, written out.

    psi = (2, 3): label 0 owns the auxiliary classes 0-1, label 1 owns 2-4;
    the generated labels are the generator's softmax over the owned ones.
    """
    with torch.no_grad():
        feats = model.target.neck(model.target.backbone(inputs))[-1]
        primary = ref.linear(feats, model.target.head.fc)
        aux = ref.linear(feats, model.aux_head.fc)
        scores = model.generator(inputs, mode='tensor')
    owned = torch.tensor([[1, 1, 0, 0, 0], [0, 0, 1, 1, 1]]).bool()[labels]
    scores = scores.masked_fill(~owned, float('-inf'))
    generated = torch.softmax(scores, dim=1)

    def focal(logits, weights):
        p = torch.softmax(logits, dim=1)
        return -(weights * (1 - p)**2 * torch.log(p)).sum(1).mean()

    onehot = torch.eye(2)[labels]
    mean_label = generated.mean(0)
    return dict(
        loss_primary=focal(primary, onehot),
        loss_aux=focal(aux, generated),
        entropy=-(mean_label * mean_label.log()).sum())


def test_forward_modes_use_the_primary_head():
    model = build()
    inputs, labels = batch(model)
    assert torch.equal(model(inputs), model.target(inputs, mode='tensor'))
    samples = model.data_preprocessor(raw_batch(), True)['data_samples']
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_primary', 'loss_aux'}
    hand = hand_multi_task(model, inputs, labels)
    for key in losses:
        torch.testing.assert_close(losses[key], hand[key], msg=key)
    model.eval()
    samples = model.data_preprocessor(raw_batch(), False)['data_samples']
    predicted = model(inputs, copy.deepcopy(samples), mode='predict')
    logits = model.target(inputs, mode='tensor')
    torch.testing.assert_close(
        torch.stack([p.pred_score for p in predicted]),
        torch.softmax(logits, dim=1))


def test_train_step_needs_target_and_generator_wrappers():
    model = build()
    single = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(ConfigError, match='SeparateOptimWrapperConstructor'):
        model.train_step(raw_batch(), single)
    hand = hand_multi_task(copy.deepcopy(model), *batch(model))
    log_vars = model.train_step(raw_batch(), optim_wrappers(model))
    assert set(log_vars) == {
        'loss', 'loss_primary', 'loss_aux', 'loss_generator', 'entropy'
    }
    for key in ('loss_primary', 'loss_aux'):
        torch.testing.assert_close(log_vars[key], hand[key], msg=key)
    torch.testing.assert_close(log_vars['loss'],
                               hand['loss_primary'] + hand['loss_aux'])
    # the generator's labels of this step come from its weights before it
    torch.testing.assert_close(log_vars['entropy'], hand['entropy'])


# ------------------------------------------------------------ the updates
def test_each_net_changes_only_in_its_own_update():
    model = build()
    model.train()
    optim = optim_wrappers(model)
    inputs, labels = batch(model)
    keys = set(model.state_dict())
    generator_params = {
        f'generator.{n}'
        for n, _ in model.generator.named_parameters()
    }
    generator_keys = {k for k in keys if k.startswith('generator.')}

    def changed_by(update):
        before = clone_state(model)
        update(inputs, labels, optim)
        after = model.state_dict()
        return {k for k in keys if not torch.equal(after[k], before[k])}

    # (1) every target and aux-head weight and BN statistic moves; of the
    # generator only its BN statistics (it labelled the batch in train mode)
    assert changed_by(model.update_multi_task) == keys - generator_params
    assert all(p.grad is None for p in model.generator.parameters())
    # (2) every generator entry moves (weight decay: even zero-grad ones);
    # target and aux head stay bit-identical, BN statistics included
    assert changed_by(model.update_generator) == generator_keys
    assert all(p.grad is None for p in model.target.parameters())
    assert all(p.grad is None for p in model.aux_head.parameters())


@pytest.mark.parametrize('entropy_weight', [0.0, 0.2])
def test_finite_difference_matches_the_exact_meta_gradient(entropy_weight):
    torch.manual_seed(0)
    model = build(entropy_weight=entropy_weight).double()
    model.train()
    inputs, labels = batch(model)
    inputs = inputs.double()
    lr = 0.1
    phi = list(model.generator.parameters())

    objective, _ = model.generator_objective(inputs, labels, lr)
    first_order = torch.autograd.grad(objective, phi)

    # exact: d/dphi L_primary(theta - lr * grad_theta L_train(theta, phi))
    net = _MultiTaskNet(model.target_interface, model.aux_head)
    names, theta = zip(*net.named_parameters())

    def run(params):
        state = {n: b.clone() for n, b in net.named_buffers()}
        state.update(zip(names, params))
        return functional_call(net, state, (inputs, ))

    aux_labels = model.generate_labels(inputs, labels)
    primary, aux = run(theta)
    train_loss = (
        model.primary_loss(primary, labels) +
        soft_focal_loss(aux, aux_labels, model.aux_loss_gamma))
    grads = torch.autograd.grad(
        train_loss, theta, create_graph=True, allow_unused=True)
    virtual = [p if g is None else p - lr * g for p, g in zip(theta, grads)]
    meta_loss = (
        model.primary_loss(run(virtual)[0], labels) +
        model.entropy_weight * entropy_regulariser(aux_labels))
    exact = torch.autograd.grad(meta_loss, phi)

    first_order = torch.cat([g.flatten() for g in first_order])
    exact = torch.cat([g.flatten() for g in exact])
    assert exact.norm() > 0
    cosine = torch.nn.functional.cosine_similarity(first_order, exact, dim=0)
    assert cosine > 0.999
    assert (first_order - exact).norm() < 1e-2 * exact.norm()


# ------------------------------------------------------------ learning
def colour_batch(n, generator):
    """Solid 32x32 images of 10 colours with noise; label = colour."""
    palette = torch.tensor(
        [[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
         [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230],
         [128, 128, 128], [0, 0, 0]],
        dtype=torch.float32)
    labels = torch.randint(0, 10, (n, ), generator=generator)
    noise = 25 * torch.randn(n, 3, 32, 32, generator=generator)
    images = (palette[labels][:, :, None, None] + noise).clamp(0, 255)
    return dict(
        inputs=list(images.to(torch.uint8)),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


def test_a_short_run_learns_the_primary_task():
    torch.manual_seed(0)
    model = build(psi=[2] * 10)
    model.train()
    optim = optim_wrappers(model, target_lr=0.01)
    generator = torch.Generator().manual_seed(0)
    losses = []
    for _ in range(30):
        log_vars = model.train_step(colour_batch(16, generator), optim)
        losses.append(log_vars['loss_primary'].item())
    assert sum(losses[-5:]) < 0.5 * sum(losses[:5])

    model.eval()
    test = model.data_preprocessor(colour_batch(200, generator), False)
    with torch.no_grad():
        predicted = model(test['inputs']).argmax(dim=1)
    truth = torch.cat([s.gt_label for s in test['data_samples']])
    assert (predicted == truth).float().mean() >= 0.6
