"""The KD distiller on tiny CIFAR ResNets, with a FrozenClassifier teacher."""
import copy
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import build_optim_wrapper
from mmpretrain.structures import DataSample

from sskt.models.losses import BinaryKDLoss, KDLoss, SoftTargetCELoss
from sskt.utils.errors import ConfigError
from tests.helpers import assert_step_equals_plain
from tests.test_models.test_distillers.tiny_models import (MEAN, STD,
                                                           build_model,
                                                           classifier_cfg,
                                                           multi_label_head)


def teacher_cfg(checkpoint=None, **kwargs):
    return dict(
        type='FrozenClassifier',
        model=kwargs.pop('model', classifier_cfg()),
        checkpoint=checkpoint,
        allow_random=checkpoint is None,
        **kwargs)


def build(**kwargs):
    cfg = dict(type='KD', target=classifier_cfg(), teacher=teacher_cfg())
    cfg.update(kwargs)
    return build_model(cfg)


def raw_batch(n=4, seed=0, num_classes=10):
    generator = torch.Generator().manual_seed(seed)
    return dict(
        inputs=[
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[
            DataSample().set_gt_label(i % num_classes) for i in range(n)
        ])


def batch(model, n=4, seed=0, num_classes=10):
    return model.data_preprocessor(
        raw_batch(n, seed, num_classes), training=True)


def test_default_loss_is_ce_plus_16_batchmean_kl_and_predict_is_target_s():
    model = build()
    assert isinstance(model.kd_loss, KDLoss)
    data = batch(model)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_kd'}
    # defaults: ce_weight = kd_weight = 1, T = 4, batchmean KL times T^2
    student = model.target(data['inputs'], mode='tensor')
    teacher = model.teacher(data['inputs'])
    labels = torch.tensor([i % 10 for i in range(4)])
    p = F.softmax(teacher / 4, dim=1)
    kl = (p * (p.log() - F.log_softmax(student / 4, dim=1))).sum(1).mean()
    torch.testing.assert_close(losses['loss_cls'],
                               F.cross_entropy(student, labels))
    torch.testing.assert_close(losses['loss_kd'], 16 * kl)
    model.eval()
    data = batch(model)
    predicted = model(**copy.deepcopy(data), mode='predict')
    logits = model.target(data['inputs'], mode='tensor')
    torch.testing.assert_close(
        torch.stack([p.pred_score for p in predicted]),
        torch.softmax(logits, dim=1))
    assert torch.equal(model(data['inputs']), logits)


def test_loss_equals_weighted_ce_plus_t2_batchmean_kl():
    model = build(ce_weight=0.3, kd_weight=0.7, T=3.0)
    model.eval()  # fixed BN statistics: the two forwards agree exactly
    data = batch(model, n=6)
    losses = model(**data, mode='loss')
    student = model.target(data['inputs'], mode='tensor')
    teacher = model.teacher(data['inputs'])
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    kl = F.kl_div(
        F.log_softmax(student / 3.0, dim=1),
        F.softmax(teacher / 3.0, dim=1),
        reduction='batchmean')
    torch.testing.assert_close(losses['loss_cls'],
                               0.3 * F.cross_entropy(student, labels))
    torch.testing.assert_close(losses['loss_kd'], 0.7 * 9.0 * kl)


def test_fixed_logits_by_hand():
    # two classes; student logits (0, 0), teacher (ln 3, 0), label 0, T=2:
    # CE = ln 2; p = softmax((ln 3, 0) / 2) = (0.633975, 0.366025);
    # T^2 KL(p || (1/2, 1/2)) = 4 (p0 ln 2p0 + p1 ln 2p1) = 0.145363
    model = build(
        target=classifier_cfg(2),
        teacher=teacher_cfg(model=classifier_cfg(2)),
        ce_weight=0.1,
        kd_weight=0.9,
        T=2.0)
    for fc, bias in ((model.target.head.fc, (0.0, 0.0)),
                     (model.teacher.net.head.fc, (math.log(3), 0.0))):
        with torch.no_grad():
            fc.weight.zero_()
            fc.bias.copy_(torch.tensor(bias))
    data = batch(model, n=3, num_classes=1)
    losses = model(**data, mode='loss')
    assert losses['loss_cls'].item() == pytest.approx(0.1 * 0.693147, abs=1e-6)
    assert losses['loss_kd'].item() == pytest.approx(0.9 * 0.145363, abs=1e-6)


def test_kd_weight_zero_step_equals_the_plain_classifier():
    torch.manual_seed(0)
    plain = build_model(classifier_cfg())
    model = build(kd_weight=0.0)
    losses = assert_step_equals_plain(model, plain, batch(model))
    assert losses['loss_kd'] == 0


def test_teacher_is_outside_parameters_state_dict_and_optimizer():
    model = build()
    teacher_params = {id(p) for p in model.teacher.parameters()}
    assert teacher_params
    assert not teacher_params & {id(p) for p in model.parameters()}
    assert all(k.startswith('target.') for k in model.state_dict())
    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)))
    in_optimizer = {
        id(p)
        for group in optim.optimizer.param_groups
        for p in group['params']
    }
    assert not teacher_params & in_optimizer
    assert {id(p) for p in model.target.parameters()} == in_optimizer


def test_teacher_stays_frozen_while_training():
    model = build()
    before = copy.deepcopy(model.teacher.state_dict())
    optim = build_optim_wrapper(model,
                                dict(optimizer=dict(type='SGD', lr=0.1)))
    model.train()
    assert not model.teacher.net.training
    for step in range(2):
        model.train_step(raw_batch(seed=step), optim)
    assert all(p.grad is None for p in model.teacher.parameters())
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, before[key]), key  # BN statistics too


def test_multi_label_target_uses_binary_kd():
    head = multi_label_head()
    model = build(
        target=classifier_cfg(head=head),
        teacher=teacher_cfg(model=classifier_cfg(head=head)))
    assert model.multi_label and isinstance(model.kd_loss, BinaryKDLoss)
    data = batch(model)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_kd'}
    student = model.target(data['inputs'], mode='tensor')
    teacher = model.teacher(data['inputs'])
    # per class a Bernoulli KL at T = 4, summed over classes, batch mean
    p, s = torch.sigmoid(teacher / 4), torch.sigmoid(student / 4)
    kl = p * torch.log(p / s) + (1 - p) * torch.log((1 - p) / (1 - s))
    torch.testing.assert_close(losses['loss_kd'], 16 * kl.sum(1).mean())
    onehot = torch.zeros(4, 10)
    onehot[torch.arange(4), torch.arange(4)] = 1
    bce = -(
        onehot * torch.log(torch.sigmoid(student)) +
        (1 - onehot) * torch.log(1 - torch.sigmoid(student)))
    torch.testing.assert_close(losses['loss_cls'], bce.mean())


def test_explicit_kd_loss_gets_t_unless_it_sets_one():
    model = build(T=2.0, kd_loss=dict(type='KDLoss', reduction='mean'))
    assert model.kd_loss.T == 2.0 and model.kd_loss.reduction == 'mean'
    model = build(T=2.0, kd_loss=dict(type='SoftTargetCELoss', T=5.0))
    assert isinstance(model.kd_loss, SoftTargetCELoss)
    assert model.kd_loss.T == 5.0
    with pytest.raises(ConfigError, match='NoSuchLoss'):
        build(kd_loss=dict(type='NoSuchLoss'))


def test_teacher_of_other_classes_is_refused():
    with pytest.raises(ConfigError, match='5 classes'):
        build(teacher=teacher_cfg(model=classifier_cfg(5)))


def test_top_level_data_preprocessor_goes_to_the_target():
    model = build(
        target=classifier_cfg(preprocessor=False),
        data_preprocessor=dict(num_classes=10, mean=MEAN, std=STD))
    assert model.data_preprocessor is model.target.data_preprocessor
    assert model.data_preprocessor.mean.flatten().tolist() == (
        pytest.approx(MEAN))


def test_loads_a_plain_target_checkpoint():
    plain = build_model(classifier_cfg())
    model = build()
    result = model.load_state_dict(plain.state_dict(), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    for key, value in plain.state_dict().items():
        assert torch.equal(model.target.state_dict()[key], value)


def test_moving_the_model_moves_the_teacher():
    model = build().to(torch.float64)
    assert all(p.dtype == torch.float64 for p in model.teacher.parameters())


# ------------------------------------------------------------ learning
#: One colour per class: the corners of the RGB cube, grey and orange.
PALETTE = torch.tensor([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255],
                        [255, 255, 0], [255, 0, 255], [0, 255, 255],
                        [255, 255, 255], [128, 128, 128], [255, 128,
                                                           0]]).float()


def colour_batch(n, seed):
    """Solid-colour 32x32 images, one colour per class, plus noise."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (n, ), generator=generator)
    noise = 30 * torch.randn(n, 3, 32, 32, generator=generator)
    images = (PALETTE[labels].view(n, 3, 1, 1) + noise).clamp(0, 255)
    return dict(
        inputs=list(images.to(torch.uint8)),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


def fit(model, steps, seed):
    """``steps`` mmengine train steps (Adam: stable in a few dozen steps)."""
    optim = build_optim_wrapper(model,
                                dict(optimizer=dict(type='Adam', lr=3e-3)))
    model.train()
    return [
        model.train_step(colour_batch(20, seed + step), optim)
        for step in range(steps)
    ]


def accuracy(model, seed=10_000):
    model.eval()
    predicted = model.test_step(colour_batch(100, seed))
    return sum(int(p.pred_label == p.gt_label) for p in predicted) / 100


def test_student_learns_from_the_teacher_alone(tmp_path):
    torch.manual_seed(0)
    teacher = build_model(classifier_cfg())
    fit(teacher, 25, seed=0)
    assert accuracy(teacher) >= 0.9
    path = str(tmp_path / 'teacher.pth')
    torch.save(dict(meta={}, state_dict=teacher.state_dict()), path)
    # no label term: whatever the student learns comes from the teacher
    torch.manual_seed(1)
    student = build(
        teacher=teacher_cfg(checkpoint=path), ce_weight=0.0, kd_weight=1.0)
    assert student.T == 4.0
    history = [log['loss_kd'].item() for log in fit(student, 30, seed=1000)]
    assert sum(history[-3:]) < 0.6 * sum(history[:3])
    assert accuracy(student) >= 0.6  # chance: 0.1
