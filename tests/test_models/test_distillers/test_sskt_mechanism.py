"""The SSKT mechanism, checked by gradients against hand-built branches.

Each auxiliary loss must reach the target backbone through *every* stage its
branch reads, exactly as a branch written out in plain torch ops (with the
branch's own weights copied in) would send it; the target's own loss must not
reach the branches; the sources never get a gradient; ``alpha`` and ``T``
enter as ``docs/method.md`` ("The loss") says. A branch that reads a detached
stage, a TM without its strided conv, a loss without ``alpha`` or ``T^2``:
each fails one of these tests.
"""
import contextlib
from typing import Dict, Iterator, List

import pytest
import torch
from mmpretrain.structures import DataSample

from tests.test_models import reference_ops as ref
from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           classifier_cfg,
                                                           source_cfg)

SOURCES = dict(imagenet=7, places365=5)
ALPHA, T = 0.5, 2.0

#: The hand-built aux loss of each configured loss type, by its formula.
HAND_LOSSES = dict(
    SoftTargetCELoss=ref.soft_target_ce, KDLoss=ref.kd_batchmean)


def build(**kwargs) -> torch.nn.Module:
    """SSKT with alpha 0.5, T 2 and BN affine weights that are not 1 / 0."""
    cfg = dict(
        type='SSKT',
        target=classifier_cfg(out_indices=(0, 1, 2)),
        sources={
            n: source_cfg(k)
            for n, k in SOURCES.items()
        },
        alpha=ALPHA,
        T=T)
    cfg.update(kwargs)
    torch.manual_seed(0)
    model = build_model(cfg)
    with torch.no_grad():  # so that a branch without its BN affine differs
        for name, param in model.aux_branches.named_parameters():
            if '.bias' in name or param.dim() == 1:
                param.uniform_(-0.5, 1.5)
    return model.train()


def batch(model, n: int = 4, seed: int = 0) -> dict:
    generator = torch.Generator().manual_seed(seed)
    data = dict(
        inputs=[
            torch.randint(
                0, 256, (3, 16, 16), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[DataSample().set_gt_label(i % 10) for i in range(n)])
    return model.data_preprocessor(data, training=True)


class Recorded:
    """What one ``model.loss`` call showed: stages, source logits, losses.

    ``seen`` are the stage outputs as the backbone's consumers (the main
    neck, the aux branches) receive them: identity copies of the raw
    outputs, so that their ``.grad`` holds only what flows back from those
    consumers, not what later stages send back inside the backbone.
    """

    def __init__(self) -> None:
        self.raw: List[torch.Tensor] = []
        self.seen: List[torch.Tensor] = []
        self.teacher: Dict[str, torch.Tensor] = {}
        self.losses: Dict[str, torch.Tensor] = {}


@contextlib.contextmanager
def recording(model) -> Iterator[Recorded]:
    """Hook the backbone and the sources for the duration of the block."""
    record = Recorded()

    def on_backbone(module, args, output):
        record.raw = list(output)
        record.seen = [f.clone() for f in output]
        for f in record.seen:
            f.retain_grad()
        return tuple(record.seen)

    def on_source(name):

        def hook(module, args, output):
            record.teacher[name] = output.detach().clone()

        return hook

    handles = [model.target.backbone.register_forward_hook(on_backbone)]
    handles += [
        source.register_forward_hook(on_source(name))
        for name, source in model.sources.items()
    ]
    try:
        yield record
    finally:
        for handle in handles:
            handle.remove()


def run(model, data: dict) -> Recorded:
    with recording(model) as record:
        record.losses = model(**data, mode='loss')
    assert len(record.seen) == 3 and set(record.teacher) == set(SOURCES)
    return record


def hand_aux_loss(model, name: str, feats: List[torch.Tensor],
                  teacher: torch.Tensor, loss_type: str) -> torch.Tensor:
    """``alpha * L(head(neck(feats)), q)``, every op written out."""
    neck, head = model.aux_branches[name]
    if type(neck).__name__ == 'TransferModule':
        pooled = ref.transfer_module(feats, neck)
    else:
        pooled = ref.last_stage_pooled(feats)
    logits = ref.linear(pooled, head.fc)
    return ALPHA * HAND_LOSSES[loss_type](logits, teacher, T)


def hand_stage_grads(model,
                     record: Recorded,
                     name: str,
                     loss_type: str = 'SoftTargetCELoss'):
    """The hand-built loss of source ``name`` and its gradient per stage."""
    feats = [f.detach().clone().requires_grad_() for f in record.seen]
    loss = hand_aux_loss(model, name, feats, record.teacher[name], loss_type)
    grads = torch.autograd.grad(loss, feats, allow_unused=True)
    return loss, grads


def stage_grads_of(record: Recorded, loss: torch.Tensor):
    """Back-propagate ``loss`` alone; the grads the branches sent each stage.
    """
    for f in record.seen:
        f.grad = None
    loss.backward(retain_graph=True)
    return [f.grad for f in record.seen]


def assert_no_gradient(grad) -> None:
    assert grad is None or torch.count_nonzero(grad) == 0


@pytest.mark.parametrize('loss_type', sorted(HAND_LOSSES))
def test_tm_branch_sends_every_stage_the_hand_built_gradient(loss_type):
    model = build(aux=dict(loss=dict(type=loss_type)))
    record = run(model, batch(model))
    for name in SOURCES:
        expected_loss, expected = hand_stage_grads(model, record, name,
                                                   loss_type)
        got_loss = record.losses[f'loss_aux_{name}']
        torch.testing.assert_close(got_loss, expected_loss)
        got = stage_grads_of(record, got_loss)
        for stage, (g, e) in enumerate(zip(got, expected)):
            assert g is not None, f'{name}: stage {stage} got no gradient'
            assert e.abs().max() > 0
            torch.testing.assert_close(
                g, e, rtol=1e-4, atol=1e-7, msg=f'{name}: stage {stage}')


def test_linear_branch_sends_only_the_last_stage_its_gradient():
    model = build(aux=dict(neck=dict(type='LastStagePooling')))
    record = run(model, batch(model))
    for name in SOURCES:
        expected_loss, expected = hand_stage_grads(model, record, name)
        got_loss = record.losses[f'loss_aux_{name}']
        torch.testing.assert_close(got_loss, expected_loss)
        *earlier, last = stage_grads_of(record, got_loss)
        for grad in earlier:
            assert_no_gradient(grad)
        assert expected[-1].abs().max() > 0
        torch.testing.assert_close(last, expected[-1], rtol=1e-4, atol=1e-7)


def test_branches_mixed_per_source_each_follow_their_own_config():
    model = build(
        aux_per_source=dict(
            places365=dict(
                neck=dict(type='LastStagePooling'), loss=dict(type='KDLoss'))))
    record = run(model, batch(model))
    loss, _ = hand_stage_grads(model, record, 'imagenet', 'SoftTargetCELoss')
    torch.testing.assert_close(record.losses['loss_aux_imagenet'], loss)
    loss, _ = hand_stage_grads(model, record, 'places365', 'KDLoss')
    torch.testing.assert_close(record.losses['loss_aux_places365'], loss)


def test_aux_loss_alone_gives_the_backbone_the_hand_built_gradient():
    model = build()
    record = run(model, batch(model))
    aux = sum(record.losses[f'loss_aux_{n}'] for n in SOURCES)
    model.zero_grad(set_to_none=True)
    aux.backward(retain_graph=True)
    # only the backbone and the branches: not the main neck and head
    assert all(p.grad is None for p in model.target.head.parameters())
    per_source = [hand_stage_grads(model, record, n)[1] for n in SOURCES]
    stage_grads = [sum(gs) for gs in zip(*per_source)]
    params = [p for p in model.target.backbone.parameters()]
    expected = torch.autograd.grad(
        record.raw, params, grad_outputs=stage_grads, retain_graph=True)
    assert model.target.backbone.conv1.weight.grad.abs().max() > 0
    for (name, param), want in zip(model.target.backbone.named_parameters(),
                                   expected):
        torch.testing.assert_close(
            param.grad, want, rtol=1e-4, atol=1e-7, msg=name)


def test_target_loss_does_not_reach_the_branches():
    model = build()
    record = run(model, batch(model))
    record.losses['loss_cls'].backward(retain_graph=True)
    assert all(p.grad is None for p in model.aux_branches.parameters())
    assert model.target.head.fc.weight.grad.abs().max() > 0
    # the main head reads the last stage only
    assert_no_gradient(record.seen[0].grad)
    assert_no_gradient(record.seen[1].grad)


def test_sources_never_get_a_gradient():
    model = build()
    record = run(model, batch(model))
    sum(record.losses.values()).backward()
    for source in model.sources.values():
        params = list(source.parameters())
        assert params and not any(p.requires_grad for p in params)
        assert all(p.grad is None for p in params)
    assert not any(q.requires_grad for q in record.teacher.values())


def test_alpha_scales_the_aux_losses_exactly():
    data = batch(build())
    half = build(alpha=ALPHA / 2)
    full = build()
    zero = build(alpha=0.0)
    for model in (half, zero):
        model.load_state_dict(full.state_dict())
        for name, source in model.sources.items():
            source.load_state_dict(full.sources[name].state_dict())
    losses = {m: m(**data, mode='loss') for m in (full, half, zero)}
    assert torch.equal(losses[half]['loss_cls'], losses[full]['loss_cls'])
    for name in SOURCES:
        key = f'loss_aux_{name}'
        assert losses[full][key] > 0
        assert torch.equal(losses[half][key], losses[full][key] / 2)
        assert losses[zero][key] == 0


def test_temperature_reaches_the_aux_loss():
    # T=2 of the model against the same branch and source at T=1: the hand
    # formula at the model's T matches, the one at T=1 does not.
    model = build()
    record = run(model, batch(model))
    feats = [f.detach() for f in record.seen]
    for name in SOURCES:
        got = record.losses[f'loss_aux_{name}']
        at_t = hand_aux_loss(model, name, feats, record.teacher[name],
                             'SoftTargetCELoss')
        torch.testing.assert_close(got, at_t)
        neck, head = model.aux_branches[name]
        logits = ref.linear(ref.transfer_module(feats, neck), head.fc)
        at_1 = ALPHA * ref.soft_target_ce(logits, record.teacher[name], 1.0)
        assert not torch.allclose(got, at_1, rtol=1e-2)
