"""Deep Mutual Learning on tiny CIFAR ResNet peers."""
import copy
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.evaluator import Evaluator
from mmengine.optim import OptimWrapperDict, build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from sskt.models.losses import BinaryKDLoss, KDLoss
from sskt.utils.errors import ConfigError
from tests.test_models.test_distillers.tiny_models import (MEAN, STD,
                                                           build_model,
                                                           classifier_cfg,
                                                           multi_label_head)

PREPROCESSOR = dict(
    type='mmpretrain.ClsDataPreprocessor', num_classes=10, mean=MEAN, std=STD)


def build(**kwargs):
    cfg = dict(type='DML', peer=classifier_cfg())
    cfg.update(kwargs)
    return build_model(cfg)


def wrappers(model, lr=0.1, momentum=0.0):
    cfg = dict(
        constructor='SeparateOptimWrapperConstructor',
        optimizer=dict(type='SGD', lr=lr, momentum=momentum),
        target=dict(),
        peers=dict(each_child=True))
    with DefaultScope.overwrite_default_scope('sskt'):
        return build_optim_wrapper(model, cfg)


def raw_batch(n=4, seed=0, multi_label=False):
    generator = torch.Generator().manual_seed(seed)
    samples = [
        DataSample().set_gt_label([i % 10, (i + 3) %
                                   10] if multi_label else i % 10)
        for i in range(n)
    ]
    inputs = [
        torch.randint(
            0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
        for _ in range(n)
    ]
    return dict(inputs=inputs, data_samples=samples)


def hand_losses(logits, labels, T=1.0, kl_weight=1.0):
    """Each peer's CE and kl_weight * mean KL to the others, by torch ops."""
    losses = []
    for i, own in enumerate(logits):
        kls = [
            F.kl_div(
                F.log_softmax(own / T, 1),
                F.softmax(other.detach() / T, 1),
                reduction='batchmean') * T**2 for j, other in enumerate(logits)
            if j != i
        ]
        losses.append(
            (F.cross_entropy(own, labels), kl_weight * sum(kls) / len(kls)))
    return losses


def test_peers_are_separate_modules_with_one_preprocessor():
    model = build(
        peer=classifier_cfg(preprocessor=False),
        num_peers=3,
        data_preprocessor=PREPROCESSOR)
    assert len(model.all_peers) == 3 and model.all_peers[0] is model.target
    assert list(model.all_peers[1:]) == list(model.peers)
    assert model.data_preprocessor is model.target.data_preprocessor
    assert all(
        torch.allclose(p.data_preprocessor.mean.flatten(), torch.tensor(MEAN))
        for p in model.all_peers)
    weights = [p.backbone.conv1.weight for p in model.all_peers]
    assert not torch.equal(weights[0], weights[1])
    prefixes = {
        key.split('.backbone.')[0]
        for key in model.state_dict() if '.backbone.' in key
    }
    assert prefixes == {'target', 'peers.0', 'peers.1'}
    assert isinstance(model.kl_loss, KDLoss)


def test_explicit_peer_list_and_config_errors():
    model = build(
        peer=None, peers=[classifier_cfg(depth=8),
                          classifier_cfg(depth=14)])
    assert len(model.all_peers[1].backbone.layer1) == 2
    for kwargs, match in [
        (dict(peers=[classifier_cfg()]), 'either'),
        (dict(num_peers=1), 'at least 2'),
        (dict(update='async'), 'sync'),
        (dict(
            peer=None,
            peers=[classifier_cfg(),
                   classifier_cfg(head=multi_label_head())]), 'all'),
    ]:
        with pytest.raises(ConfigError, match=match):
            build(**kwargs)


def test_losses_match_a_hand_computation():
    model = build(T=2.0, kl_weight=0.5)
    data = model.data_preprocessor(raw_batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {
        'loss_ce_peer0', 'loss_kl_peer0', 'loss_ce_peer1', 'loss_kl_peer1'
    }
    logits = [p(data['inputs'], mode='tensor') for p in model.all_peers]
    labels = torch.arange(4)
    for i, (ce, kl) in enumerate(hand_losses(logits, labels, 2.0, 0.5)):
        assert torch.allclose(losses[f'loss_ce_peer{i}'], ce)
        assert torch.allclose(losses[f'loss_kl_peer{i}'], kl)


def test_fixed_logits_written_out():
    model = build()
    # peer 0 p = (1/2, 1/2), peer 1 p = (3/4, 1/4); both labelled class 0
    logits = [torch.tensor([[0.0, 0.0]]), torch.tensor([[math.log(3), 0.0]])]
    samples = [DataSample().set_gt_label(0)]
    peer0 = model.peer_losses(0, logits, samples)
    peer1 = model.peer_losses(1, logits, samples)
    expected = {
        'loss_ce_peer0': 0.693147,  # -ln 1/2
        # KL(p1 || p0) = 3/4 ln(3/2) + 1/4 ln(1/2)
        'loss_kl_peer0': 0.130812,
        'loss_ce_peer1': 0.287682,  # -ln 3/4
        # KL(p0 || p1) = 1/2 ln(2/3) + 1/2 ln 2
        'loss_kl_peer1': 0.143841,
    }
    for key, value in {**peer0, **peer1}.items():
        assert value.item() == pytest.approx(expected[key], abs=1e-6), key


# test_a_peer_loss_never_reaches_another_peer (grad None / not None) went:
# test_dml_mechanism's test_kl_term_gradient_reaches_its_own_peer_only and
# test_task_loss_reaches_its_own_peer_only check the same by value.


def test_sync_step_treats_the_other_peer_as_constant():
    lr = 0.5
    model = build()
    reference = copy.deepcopy(model)
    log_vars = model.train_step(raw_batch(), wrappers(model, lr))
    assert set(log_vars) == {
        'loss', 'loss_ce_peer0', 'loss_kl_peer0', 'loss_ce_peer1',
        'loss_kl_peer1'
    }
    data = reference.data_preprocessor(raw_batch(), True)
    constant = reference.all_peers[0](data['inputs'], mode='tensor').detach()
    own = reference.all_peers[1](data['inputs'], mode='tensor')
    ce, kl = hand_losses([constant, own], torch.arange(4))[1]
    (ce + kl).backward()
    for (name, before), after in zip(reference.all_peers[1].named_parameters(),
                                     model.all_peers[1].parameters()):
        assert torch.allclose(after, before - lr * before.grad), name
    assert torch.allclose(log_vars['loss_kl_peer1'], kl)


def test_sequential_peer_learns_from_the_updated_peer():
    lr = 0.5
    model = build(update='sequential')
    sync = copy.deepcopy(model)
    sync.update = 'sync'
    reference = copy.deepcopy(model)
    log_vars = model.train_step(raw_batch(), wrappers(model, lr))
    sync_vars = sync.train_step(raw_batch(), wrappers(sync, lr))
    # peer 0 updates first, from the same predictions in both modes
    for key in ('loss_ce_peer0', 'loss_kl_peer0', 'loss_ce_peer1'):
        assert torch.allclose(log_vars[key], sync_vars[key])
    for a, b in zip(model.all_peers[0].state_dict().values(),
                    sync.all_peers[0].state_dict().values()):
        assert torch.allclose(a.float(), b.float())  # BN statistics too
    # by hand: update peer 0, then peer 1's KL target is its new prediction
    data = reference.data_preprocessor(raw_batch(), True)
    peer0, peer1 = reference.all_peers
    logits = [p(data['inputs'], mode='tensor') for p in reference.all_peers]
    ce, kl = hand_losses(logits, torch.arange(4))[0]
    (ce + kl).backward()
    with torch.no_grad():
        for param in peer0.parameters():
            param -= lr * param.grad
        updated = peer0(data['inputs'], mode='tensor')
    kl1 = hand_losses([updated, logits[1]], torch.arange(4))[1][1]
    assert torch.allclose(log_vars['loss_kl_peer1'], kl1)
    assert not torch.allclose(log_vars['loss_kl_peer1'],
                              sync_vars['loss_kl_peer1'])


@pytest.mark.parametrize('update', ['sync', 'sequential'])
def test_three_peers_train_repeatedly(update):
    model = build(num_peers=3, update=update)
    optim = wrappers(model, momentum=0.9)
    for step in range(2):
        model.train_step(raw_batch(seed=step), optim)
    before = copy.deepcopy(model)
    log_vars = model.train_step(raw_batch(seed=2), optim)
    # the third step's losses, by hand from the peers as they were before it
    data = before.data_preprocessor(raw_batch(seed=2), True)
    with torch.no_grad():
        logits = [p(data['inputs'], mode='tensor') for p in before.all_peers]
    hand = hand_losses(logits, torch.arange(4))
    # a sequential peer > 0 learns from the peers already updated: only
    # peer 0's KL and every CE are those of the peers before the step
    kl_by_hand = range(3) if update == 'sync' else [0]
    for i, (ce, kl) in enumerate(hand):
        torch.testing.assert_close(log_vars[f'loss_ce_peer{i}'], ce)
        if i in kl_by_hand:
            torch.testing.assert_close(log_vars[f'loss_kl_peer{i}'], kl)
    expected = sum(v for k, v in log_vars.items() if k != 'loss')
    torch.testing.assert_close(log_vars['loss'], expected)


def test_each_peer_has_its_own_optimizer():
    model = build()
    optim = wrappers(model)
    assert model.wrapper_names == ['target', 'peers.0']
    for name, peer in zip(model.wrapper_names, model.all_peers):
        held = {
            id(p)
            for group in optim[name].optimizer.param_groups
            for p in group['params']
        }
        assert held == {id(p) for p in peer.parameters()}
    single = build_optim_wrapper(model,
                                 dict(optimizer=dict(type='SGD', lr=0.1)))
    with pytest.raises(ConfigError, match='SeparateOptimWrapperConstructor'):
        model.train_step(raw_batch(), single)
    with pytest.raises(ConfigError, match=r"\['target', 'peers.0'\]"):
        model.train_step(raw_batch(), OptimWrapperDict(**{'peers.0': single}))


def test_prediction_carries_every_peer():
    model = build()
    model.eval()
    data = model.data_preprocessor(raw_batch(), False)
    predicted = model(**copy.deepcopy(data), mode='predict')
    for i, peer in enumerate(model.all_peers):
        direct = peer.predict(data['inputs'])
        for sample, reference in zip(predicted, direct):
            assert torch.equal(
                sample.get(f'peer{i}_pred_score'), reference.pred_score)
            assert torch.equal(
                sample.get(f'peer{i}_pred_label'), reference.pred_label)
    assert all(
        torch.equal(s.pred_score, s.peer0_pred_score) for s in predicted)
    assert torch.equal(
        model(data['inputs']),
        model.all_peers[0](data['inputs'], mode='tensor'))
    with DefaultScope.overwrite_default_scope('sskt'):
        evaluator = Evaluator([
            dict(type='mmpretrain.Accuracy'),
            dict(type='PeerMetric', metric=dict(type='mmpretrain.Accuracy'))
        ])
    evaluator.process(model.val_step(raw_batch()))
    results = evaluator.evaluate(4)
    assert results['accuracy/top1'] == results['peer0/accuracy/top1']
    assert 'peer1/accuracy/top1' in results


def test_multi_label_peers_use_binary_kd():
    model = build(peer=classifier_cfg(head=multi_label_head()), T=2.0)
    assert isinstance(model.kl_loss, BinaryKDLoss)
    data = model.data_preprocessor(raw_batch(multi_label=True), True)
    losses = model(**data, mode='loss')
    logits = [p(data['inputs'], mode='tensor') for p in model.all_peers]
    targets = torch.zeros(4, 10)
    for i in range(4):
        targets[i, [i % 10, (i + 3) % 10]] = 1
    for i, (own, other) in enumerate([logits, logits[::-1]]):
        # mean BCE over all N x C entries; T^2 Bernoulli KL at T = 2
        prob = torch.sigmoid(own)
        bce = -(targets * prob.log() + (1 - targets) * (1 - prob).log())
        p, s = torch.sigmoid(other / 2), torch.sigmoid(own / 2)
        kl = p * torch.log(p / s) + (1 - p) * torch.log((1 - p) / (1 - s))
        torch.testing.assert_close(losses[f'loss_ce_peer{i}'], bce.mean())
        torch.testing.assert_close(losses[f'loss_kl_peer{i}'],
                                   4 * kl.sum(1).mean())
    model.eval()
    predicted = model.val_step(raw_batch(multi_label=True))
    data = model.data_preprocessor(raw_batch(multi_label=True), False)
    scores = torch.sigmoid(model.all_peers[1](data['inputs'], mode='tensor'))
    torch.testing.assert_close(
        torch.stack([s.peer1_pred_score for s in predicted]), scores)
    custom = build(kl_loss=dict(type='KDLoss', reduction='mean'), T=3.0)
    assert custom.kl_loss.reduction == 'mean' and custom.kl_loss.T == 3


def colour_batch(generator, n_per_class):
    """Solid images of 10 colours with noise; the label is the colour."""
    palette = torch.tensor([[230, 25, 75], [60, 180, 75], [255, 225, 25],
                            [0, 130, 200], [245, 130, 48], [145, 30, 180],
                            [70, 240, 240], [240, 50, 230], [0, 0, 128],
                            [128, 128, 128]]).float()
    labels = torch.arange(10).repeat(n_per_class)
    noise = torch.randn(len(labels), 3, 32, 32, generator=generator) * 25
    images = (palette[labels].view(-1, 3, 1, 1) + noise).clamp(0, 255)
    return dict(
        inputs=list(images.to(torch.uint8)),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


@pytest.mark.parametrize('update', ['sync', 'sequential'])
def test_peers_learn_a_separable_task(update):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    model = build(update=update)
    optim = wrappers(model, lr=0.05, momentum=0.9)
    losses = []
    for _ in range(25):
        log_vars = model.train_step(colour_batch(generator, 2), optim)
        losses.append(log_vars['loss'].item())
    assert sum(losses[-5:]) < 0.5 * sum(losses[:5])
    model.eval()
    predicted = model.val_step(colour_batch(generator, 5))
    for i in range(2):
        correct = [
            int(s.get(f'peer{i}_pred_label')) == int(s.gt_label)
            for s in predicted
        ]
        assert sum(correct) >= 30, (i, sum(correct))  # chance: 5 of 50


def _former_layout(state_dict):
    """The keys DML wrote before peer 0 became ``target``: ``peers.<i>.``."""
    former = {}
    for key, value in state_dict.items():
        if key.startswith('target.'):
            key = 'peers.0.' + key[len('target.'):]
        elif key.startswith('peers.'):
            index, rest = key[len('peers.'):].split('.', 1)
            key = f'peers.{int(index) + 1}.{rest}'
        former[key] = value
    return former


def test_a_checkpoint_of_the_former_layout_loads_into_the_right_peers():
    torch.manual_seed(1)
    written = build(num_peers=3)
    former = _former_layout(written.state_dict())
    assert 'peers.2.head.fc.bias' in former
    assert not any(k.startswith('target.') for k in former)
    model = build(num_peers=3)
    model.load_state_dict(copy.deepcopy(former), strict=True)
    for i, peer in enumerate(model.all_peers):
        for name, value in peer.state_dict().items():
            assert torch.equal(value, former[f'peers.{i}.{name}']), (i, name)
    # peer 1 and peer 2 are really different weights, so a swap would show
    assert not torch.equal(former['peers.1.head.fc.weight'],
                           former['peers.2.head.fc.weight'])
