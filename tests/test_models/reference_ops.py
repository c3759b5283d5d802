"""Hand-built references for the mechanism tests, in plain torch ops.

Nothing here calls an sskt module's ``forward``: the transfer module, the
pooling neck, the linear head and the soft-logit losses are written out from
``docs/method.md`` ("The loss", "Auxiliary branches and the transfer
module"), with the weights *copied* out of the module under test. A test that
compares a module with these functions therefore fails when the module stops
doing what the method says, not only when it changes.
"""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

#: Stride and padding of the three convs of a TM branch: 1x1, the strided
#: 3x3, 1x1 (``docs/method.md``, "Auxiliary branches and the transfer
#: module"). Written here, not read from the module, so that a changed
#: stride fails the comparison.
BRANCH_CONVS = ((1, 0), (2, 1), (1, 0))
BN_EPS = 1e-5


def copied(tensor: torch.Tensor) -> torch.Tensor:
    """A detached copy of a parameter: the reference never shares storage."""
    return tensor.detach().clone()


def branch_weights(branch: nn.Module) -> List[Tuple[torch.Tensor, ...]]:
    """``(conv_w, conv_b, bn_w, bn_b)`` of each conv-BN pair, copied.

    Args:
        branch (nn.Module): One TM branch (its convs and BNs in order).

    Returns:
        list[tuple[Tensor, ...]]: One tuple per conv; ``conv_b`` may be None.
    """
    convs = [
        m for m in branch.modules() if isinstance(m, nn.modules.conv._ConvNd)
    ]
    norms = [
        m for m in branch.modules()
        if isinstance(m, nn.modules.batchnorm._BatchNorm)
    ]
    assert len(convs) == len(norms) == len(BRANCH_CONVS)
    return [(copied(c.weight), None if c.bias is None else copied(c.bias),
             copied(n.weight), copied(n.bias)) for c, n in zip(convs, norms)]


def batch_norm_train(x: torch.Tensor, weight: torch.Tensor,
                     bias: torch.Tensor) -> torch.Tensor:
    """BN with the batch's statistics (biased variance), by its formula."""
    dims = [0] + list(range(2, x.dim()))
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean)**2).mean(dim=dims, keepdim=True)
    shape = [1, -1] + [1] * (x.dim() - 2)
    return (x - mean) / torch.sqrt(var + BN_EPS) * weight.view(
        shape) + bias.view(shape)


def conv(x: torch.Tensor, weight: torch.Tensor, bias, stride: int,
         padding: int) -> torch.Tensor:
    """A 2D or 3D convolution, chosen by the input's rank."""
    op = F.conv3d if x.dim() == 5 else F.conv2d
    return op(x, weight, bias, stride=stride, padding=padding)


def branch_pooled(x: torch.Tensor,
                  weights: Sequence[Tuple[torch.Tensor, ...]]) -> torch.Tensor:
    """One TM branch in training mode, globally average-pooled: ``B x C``."""
    for (conv_w, conv_b, bn_w, bn_b), (stride,
                                       pad) in zip(weights, BRANCH_CONVS):
        x = batch_norm_train(conv(x, conv_w, conv_b, stride, pad), bn_w, bn_b)
        x = x.clamp_min(0)
    return x.flatten(2).mean(dim=2)


def transfer_module(feats: Sequence[torch.Tensor],
                    tm: nn.Module,
                    aggregation: str = 'mean') -> torch.Tensor:
    """The TM over every stage: pooled branch vectors, averaged (or summed).

    Args:
        feats (Sequence[Tensor]): The stage outputs.
        tm (nn.Module): The TM whose weights are copied (``tm.branches``).
        aggregation (str): ``'mean'`` or ``'sum'``.

    Returns:
        Tensor: ``B x C_out``.
    """
    pooled = [
        branch_pooled(f, branch_weights(b))
        for f, b in zip(feats, tm.branches)
    ]
    total = pooled[0]
    for vector in pooled[1:]:
        total = total + vector
    return total / len(pooled) if aggregation == 'mean' else total


def last_stage_pooled(feats: Sequence[torch.Tensor]) -> torch.Tensor:
    """The "no TM" neck: the last stage, globally average-pooled."""
    return feats[-1].flatten(2).mean(dim=2)


def linear(x: torch.Tensor, fc: nn.Linear) -> torch.Tensor:
    """``x W^T + b`` with the layer's weights copied."""
    return x @ copied(fc.weight).t() + copied(fc.bias)


def soft_target_ce(student: torch.Tensor, teacher: torch.Tensor,
                   T: float) -> torch.Tensor:
    """``T^2 * 1/B * sum_i -sum_c softmax(q_i/T)_c log softmax(a_i/T)_c``."""
    log_a = student / T - torch.logsumexp(student / T, dim=1, keepdim=True)
    q = torch.exp(teacher / T)
    q = q / q.sum(dim=1, keepdim=True)
    return T**2 * -(q * log_a).sum(dim=1).mean()


def kd_batchmean(student: torch.Tensor, teacher: torch.Tensor,
                 T: float) -> torch.Tensor:
    """``T^2 * 1/B * sum_i KL(softmax(q_i/T) || softmax(a_i/T))``."""
    log_a = student / T - torch.logsumexp(student / T, dim=1, keepdim=True)
    log_q = teacher / T - torch.logsumexp(teacher / T, dim=1, keepdim=True)
    return T**2 * (log_q.exp() * (log_q - log_a)).sum(dim=1).mean()


def softmax_t(logits: torch.Tensor, T: float) -> torch.Tensor:
    """``softmax(logits / T)`` over the classes, written out."""
    e = torch.exp(logits / T - (logits / T).max(dim=1, keepdim=True).values)
    return e / e.sum(dim=1, keepdim=True)
