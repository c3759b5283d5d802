"""The SSKT distiller on a tiny CIFAR ResNet with tiny ResNet-18 sources."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from sskt.registry import MODELS
from tests.data.checkpoints import (write_csail_checkpoint,
                                    write_torchvision_checkpoint)
from tests.helpers import assert_step_equals_plain
from tests.test_models import reference_ops as ref
from tests.test_models.test_distillers.tiny_models import (MEAN, STD,
                                                           build_model,
                                                           classifier_cfg,
                                                           multi_label_head,
                                                           source_cfg)


def build(**kwargs):
    cfg = dict(
        type='SSKT',
        target=classifier_cfg(out_indices=(0, 1, 2)),
        sources=dict(imagenet=source_cfg(7), places365=source_cfg(5)))
    cfg.update(kwargs)
    return build_model(cfg)


def batch(model, n=4, seed=0):
    generator = torch.Generator().manual_seed(seed)
    data = dict(
        inputs=[
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[DataSample().set_gt_label(i % 10) for i in range(n)])
    return model.data_preprocessor(data, training=True)


def test_loss_cls_is_the_main_head_ce_and_prediction_is_the_target_s():
    model = build()
    data = batch(model)
    losses = model(**data, mode='loss')
    assert set(losses) == {
        'loss_cls', 'loss_aux_imagenet', 'loss_aux_places365'
    }
    # train-mode BN uses the batch's statistics: a second forward agrees
    logits = model.target(data['inputs'], mode='tensor')
    labels = torch.tensor([i % 10 for i in range(4)])
    torch.testing.assert_close(losses['loss_cls'],
                               F.cross_entropy(logits, labels))
    model.eval()
    data = batch(model)
    predicted = model(**copy.deepcopy(data), mode='predict')
    logits = model.target(data['inputs'], mode='tensor')
    torch.testing.assert_close(
        torch.stack([p.pred_score for p in predicted]),
        torch.softmax(logits, dim=1))
    assert [int(p.pred_label) for p in predicted] == logits.argmax(1).tolist()


# What test_branches_read_every_stage_and_fit_each_source checked (the TM
# reads the three stages, each head has its source's classes, the linear
# branch reads the last stage) is proved by value in test_sskt_mechanism:
# test_tm_branch_sends_every_stage_the_hand_built_gradient and
# test_linear_branch_sends_only_the_last_stage_its_gradient.


def test_sources_are_outside_parameters_state_dict_and_optimizer():
    model = build()
    source_params = {
        id(p)
        for s in model.sources.values()
        for p in s.parameters()
    }
    assert source_params
    assert not source_params & {id(p) for p in model.parameters()}
    assert not any(
        k.startswith('sources') or '.net.' in k for k in model.state_dict())
    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)))
    in_optimizer = {
        id(p)
        for group in optim.optimizer.param_groups
        for p in group['params']
    }
    assert not source_params & in_optimizer
    assert {id(p) for p in model.aux_branches.parameters()} <= in_optimizer


@pytest.mark.parametrize('bn_mode', ['eval', 'train'])
def test_sources_stay_frozen_while_training(bn_mode):
    model = build(
        sources=dict(
            imagenet=source_cfg(7, bn_mode=bn_mode),
            places365=source_cfg(5, bn_mode=bn_mode)))
    before = {
        name: copy.deepcopy(s.state_dict())
        for name, s in model.sources.items()
    }
    optim = build_optim_wrapper(model,
                                dict(optimizer=dict(type='SGD', lr=0.1)))
    model.train()
    for step in range(2):
        losses = model(**batch(model, seed=step), mode='loss')
        optim.update_params(sum(losses.values()))
    for name, source in model.sources.items():
        assert all(p.grad is None for p in source.parameters())
        changed = {
            key
            for key, value in source.state_dict().items()
            if not torch.equal(value, before[name][key])
        }
        bn_statistics = {
            key
            for key in before[name]
            if key.endswith(('running_mean', 'running_var',
                             'num_batches_tracked'))
        }
        # weights never change; BN statistics drift only in train mode
        assert changed == (bn_statistics if bn_mode == 'train' else set())


def test_alpha_zero_step_equals_the_plain_classifier():
    torch.manual_seed(0)
    plain = build_model(classifier_cfg(out_indices=(0, 1, 2)))
    model = build(alpha=0.0)
    losses = assert_step_equals_plain(model, plain, batch(model))
    assert losses['loss_aux_imagenet'] == 0


def test_loss_weights_alpha_and_temperature():
    model = build(
        alpha=0.5,
        T=3.0,
        aux_per_source=dict(
            places365=dict(loss=dict(type='KDLoss', reduction='mean', T=2.0))))
    data = batch(model)
    losses = model(**data, mode='loss')  # train mode: batch statistics
    with torch.no_grad():
        feats = model.target.backbone(data['inputs'])
        teachers = {n: s(data['inputs']) for n, s in model.sources.items()}
    branch = {}
    for name in ('imagenet', 'places365'):
        neck, head = model.aux_branches[name]
        branch[name] = ref.linear(ref.transfer_module(feats, neck), head.fc)
    # alpha * T^2 * soft CE at the model's T; KDLoss 'mean' divides the
    # batch-mean KL by the K = 5 classes, at the source's own T = 2
    torch.testing.assert_close(
        losses['loss_aux_imagenet'], 0.5 *
        ref.soft_target_ce(branch['imagenet'], teachers['imagenet'], 3.0))
    torch.testing.assert_close(
        losses['loss_aux_places365'], 0.5 *
        ref.kd_batchmean(branch['places365'], teachers['places365'], 2.0) / 5)


def test_loads_a_plain_target_checkpoint():
    with DefaultScope.overwrite_default_scope('sskt'):
        plain = MODELS.build(classifier_cfg(out_indices=(0, 1, 2)))
    model = build()
    result = model.load_state_dict(plain.state_dict(), strict=False)
    assert not result.unexpected_keys
    assert all(k.startswith('aux_branches.') for k in result.missing_keys)
    for key, value in plain.state_dict().items():
        assert torch.equal(model.target.state_dict()[key], value)


def test_sources_load_their_files_at_init_weights(tmp_path):
    imagenet = write_torchvision_checkpoint(
        str(tmp_path / 'in.pth'), num_classes=7)
    places = write_csail_checkpoint(
        str(tmp_path / 'places.pth.tar'), num_classes=5)
    model = build(
        sources=dict(
            imagenet=source_cfg(7, str(tmp_path / 'in.pth')),
            places365=source_cfg(5, str(tmp_path / 'places.pth.tar'))))
    for name, reference in (('imagenet', imagenet), ('places365', places)):
        loaded = model.sources[name].net.state_dict()
        for key, value in reference.state_dict().items():
            if not key.endswith('num_batches_tracked'):  # CSAIL files lack it
                assert torch.equal(loaded[key], value), key


def test_sources_see_the_target_normalisation_undone():
    model = build()
    adapter = model.sources['imagenet'].adapter
    pixel = torch.tensor(MEAN).view(1, 3, 1, 1).expand(1, 3, 2, 2)
    normalised = (pixel - torch.tensor(MEAN).view(
        1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    expected = (pixel - torch.tensor([123.675, 116.28, 103.53]).view(
        1, 3, 1, 1)) / torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)
    assert torch.allclose(adapter(normalised), expected, atol=1e-5)


def test_moving_the_model_moves_the_sources():
    model = build().to(torch.float64)
    assert all(p.dtype == torch.float64 for s in model.sources.values()
               for p in s.parameters())


def test_multi_label_target_loss_is_bce_over_the_labelled_entries():
    model = build(
        target=classifier_cfg(out_indices=(0, 1, 2), head=multi_label_head()))
    data = batch(model)
    # 1 positive, 0 negative, -1 ignored (a "difficult" VOC object)
    scores = torch.zeros(4, 10)
    scores[:, :3] = torch.tensor([1., -1., 0.])
    scores[1, 5] = 1.
    for sample, score in zip(data['data_samples'], scores):
        sample.set_gt_score(score)
    losses = model(**data, mode='loss')
    logits = model.target(data['inputs'], mode='tensor')
    labelled = scores != -1
    z, y = logits[labelled], scores[labelled]
    bce = (z.clamp_min(0) - z * y + torch.log1p(torch.exp(-z.abs())))
    torch.testing.assert_close(losses['loss_cls'], bce.sum() / 36)
    assert int(labelled.sum()) == 36


def test_predictions_can_carry_the_auxiliary_loss():
    model = build(aux_in_val_loss=True)
    model.eval()
    data = batch(model)
    with torch.no_grad():
        losses = model(**copy.deepcopy(data), mode='loss')
        predictions = model(**copy.deepcopy(data), mode='predict')
    aux = losses['loss_aux_imagenet'] + losses['loss_aux_places365']
    assert all(p.aux_loss == pytest.approx(aux.item()) for p in predictions)
    plain = build()
    plain.eval()
    assert 'aux_loss' not in plain(**copy.deepcopy(data), mode='predict')[0]
