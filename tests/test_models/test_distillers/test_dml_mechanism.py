"""DML's gradients, checked by value: each peer's terms reach only it.

Peer ``i``'s KL term ``kl_weight * 1/(K-1) sum_{j != i} T^2 KL(p_j || p_i)``
must send peer ``i``'s logits ``kl_weight * T * (softmax(z_i/T) -
mean_{j != i} softmax(z_j/T)) / B`` and nothing to the other peers (their
logits are detached): removing that detach, the ``1/(K-1)`` or ``T`` fails
these tests.
"""
from typing import List

import pytest
import torch
from mmpretrain.structures import DataSample

from sskt.registry import MODELS
from tests.test_models import reference_ops as ref
from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           classifier_cfg)

KL_WEIGHT, T, N, PEERS = 0.5, 2.0, 4, 3


@MODELS.register_module(force=True)
class KLWithoutDetachForTest(torch.nn.Module):
    """``T^2 KL_batchmean`` that, unlike sskt's losses, does not detach the
    other peer's logits: only DML's own detach keeps them constant."""

    def __init__(self, T: float = 1.0) -> None:
        super().__init__()
        self.T = T

    def forward(self, student, teacher):
        return ref.kd_batchmean(student, teacher, self.T)


def all_peers(model) -> List[torch.nn.Module]:
    """Every peer: ``target`` and ``peers`` after the refactor, else peers."""
    if hasattr(model, 'target'):
        return [model.target, *model.peers]
    return list(model.peers)


def build(kl_loss=None) -> torch.nn.Module:
    torch.manual_seed(0)
    model = build_model(
        dict(
            type='DML',
            peer=classifier_cfg(),
            num_peers=PEERS,
            kl_weight=KL_WEIGHT,
            kl_loss=kl_loss,
            T=T))
    return model.train()


def run(model):
    """The losses and each peer's logits (grads kept) of one loss call."""
    generator = torch.Generator().manual_seed(0)
    data = model.data_preprocessor(
        dict(
            inputs=[
                torch.randint(
                    0,
                    256, (3, 16, 16),
                    generator=generator,
                    dtype=torch.uint8) for _ in range(N)
            ],
            data_samples=[DataSample().set_gt_label(i % 10)
                          for i in range(N)]),
        training=True)
    logits: List[List[torch.Tensor]] = [[] for _ in range(PEERS)]

    def on_head(i):

        def hook(module, args, output):
            output = output.clone()
            output.retain_grad()
            logits[i].append(output)
            return output

        return hook

    peers = all_peers(model)
    assert len(peers) == PEERS
    handles = [
        peer.head.register_forward_hook(on_head(i))
        for i, peer in enumerate(peers)
    ]
    try:
        losses = model(**data, mode='loss')
    finally:
        for handle in handles:
            handle.remove()
    assert all(len(calls) == 1 for calls in logits)
    return losses, [calls[0] for calls in logits]


@pytest.mark.parametrize('kl_loss',
                         [None, dict(type='KLWithoutDetachForTest')])
@pytest.mark.parametrize('i', range(PEERS))
def test_kl_term_gradient_reaches_its_own_peer_only(i, kl_loss):
    model = build(kl_loss)
    losses, logits = run(model)
    z = [x.detach() for x in logits]
    others = [ref.softmax_t(z[j], T) for j in range(PEERS) if j != i]
    expected_loss = KL_WEIGHT * sum(
        ref.kd_batchmean(z[i], z[j], T) for j in range(PEERS) if j != i) / (
            PEERS - 1)
    torch.testing.assert_close(losses[f'loss_kl_peer{i}'], expected_loss)
    model.zero_grad(set_to_none=True)
    losses[f'loss_kl_peer{i}'].backward()
    expected = KL_WEIGHT * T * (ref.softmax_t(z[i], T) -
                                sum(others) / len(others)) / N
    torch.testing.assert_close(logits[i].grad, expected, rtol=1e-4, atol=1e-8)
    for j, peer in enumerate(all_peers(model)):
        if j == i:
            assert peer.backbone.conv1.weight.grad.abs().max() > 0
        else:
            assert logits[j].grad is None, f'peer {j} got a gradient'
            assert all(p.grad is None for p in peer.parameters()), j


def test_task_loss_reaches_its_own_peer_only():
    model = build()
    losses, logits = run(model)
    losses['loss_ce_peer1'].backward()
    labels = torch.arange(N) % 10
    z = logits[1].detach()
    onehot = torch.zeros_like(z).scatter_(1, labels.view(-1, 1), 1.)
    torch.testing.assert_close(
        logits[1].grad, (ref.softmax_t(z, 1.) - onehot) / N,
        rtol=1e-4,
        atol=1e-8)
    assert logits[0].grad is None and logits[2].grad is None
