"""MAXL's hierarchical auxiliary labels: masks, mask-softmax, regulariser.

MAXL (Liu et al., NeurIPS 2019) gives each primary class ``y`` its own
``psi[y]`` auxiliary classes, laid out one after the other: primary class
``y`` owns the auxiliary indices ``sum(psi[:y]) .. sum(psi[:y+1]) - 1``. The
label generator's logits (``sum(psi)`` of them) become a sample's auxiliary
label by a softmax restricted to the classes its primary label owns, zero
elsewhere (``mask_softmax``), and an entropy regulariser on the batch-mean
distribution keeps the generator from collapsing onto few classes.
:func:`first_order_meta_objective` gives the generator's meta-gradient.
"""
from typing import Callable, List, Sequence, Tuple

import torch
import torch.nn as nn
from torch.func import functional_call

from sskt.utils.errors import ConfigError


def check_psi(psi: Sequence[int]) -> List[int]:
    """Validate ``psi``: a non-empty sequence of positive ints.

    Args:
        psi (Sequence[int]): Auxiliary classes per primary class.

    Returns:
        list[int]: ``psi`` as a list.
    """
    values = list(psi) if isinstance(psi, (list, tuple)) else None
    if not values or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0
            for v in values):
        raise ConfigError(
            'model.psi must be a non-empty list of positive ints, one per '
            f'primary class (e.g. [5] * 10), got {psi!r}.')
    return values


def auxiliary_mask(labels: torch.Tensor, psi: Sequence[int]) -> torch.Tensor:
    """The auxiliary classes each sample's primary label owns.

    Args:
        labels (torch.Tensor): Primary labels of shape ``(B, )``.
        psi (Sequence[int]): Auxiliary classes per primary class.

    Returns:
        torch.Tensor: A bool mask of shape ``(B, sum(psi))``; row ``i`` is
        True exactly at ``sum(psi[:y_i]) .. sum(psi[:y_i+1]) - 1``.
    """
    sizes = torch.as_tensor(list(psi), device=labels.device)
    ends = torch.cumsum(sizes, 0)
    starts = ends - sizes
    labels = labels.long().reshape(-1)
    index = torch.arange(int(ends[-1]), device=labels.device)
    return ((index[None] >= starts[labels, None]) &
            (index[None] < ends[labels, None]))


def mask_softmax(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """A softmax over the masked-in entries of each row, zero elsewhere.

    Args:
        logits (torch.Tensor): Logits of shape ``(B, K)``.
        mask (torch.Tensor): Bool mask of shape ``(B, K)``, with at least
            one True per row.

    Returns:
        torch.Tensor: Rows that sum to 1 over the mask and are 0 off it.
    """
    masked = logits.masked_fill(~mask, float('-inf'))
    return torch.softmax(masked, dim=1).masked_fill(~mask, 0.)


def entropy_regulariser(aux_labels: torch.Tensor) -> torch.Tensor:
    """MAXL's regulariser: the negative entropy of the batch-mean labels.

    ``R = sum_k m_k * log(m_k + 1e-20)`` with ``m = mean_b(aux_labels)``.
    Minimising it spreads the batch over all auxiliary classes.

    Args:
        aux_labels (torch.Tensor): Generated labels of shape ``(B, K)``.

    Returns:
        torch.Tensor: The scalar ``R`` (``<= 0``).
    """
    mean = aux_labels.mean(dim=0)
    return (mean * torch.log(mean + 1e-20)).sum()


def first_order_meta_objective(
        net: nn.Module, inputs: torch.Tensor, labels: torch.Tensor,
        aux_labels: torch.Tensor, lr: float, primary_loss: Callable,
        aux_loss: Callable,
        finite_diff_eps: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """MAXL's meta-gradient by a finite difference (DARTS-style).

    With ``L_train = primary_loss(p, y) + aux_loss(a, aux_labels)`` of the
    multi-task outputs ``(p, a) = net(inputs)``: the virtual step ``theta' =
    theta - lr * grad L_train``, ``v = grad L_primary(theta')`` and
    ``theta+- = theta +- eps v`` with ``eps = finite_diff_eps / |v|``. Only
    ``aux_loss`` depends on the generator, so the returned term is
    ``-lr * (aux_loss(a+, aux_labels) - aux_loss(a-, aux_labels)) / (2 eps)``
    with the logits ``a+-`` at ``theta+-`` as constants: its gradient w.r.t.
    the generator (through ``aux_labels``) is the central difference of
    ``grad_phi L_train`` that approximates ``d L_primary(theta') / d phi``.
    Every forward uses ``functional_call`` on copies of the buffers, so the
    parameters and buffers (BN statistics) of ``net`` are left untouched.

    Args:
        net (nn.Module): The multi-task net; returns ``(primary, aux)``
            logits.
        inputs (torch.Tensor): The preprocessed batch.
        labels (torch.Tensor): Primary labels of shape ``(B, )``.
        aux_labels (torch.Tensor): Generated labels, attached to the
            generator's graph.
        lr (float): ``xi``, the learning rate of the virtual step.
        primary_loss (Callable): ``(logits, labels) -> loss``.
        aux_loss (Callable): ``(logits, aux_labels) -> loss``.
        finite_diff_eps (float): The norm of ``eps * v``.

    Returns:
        tuple[Tensor, Tensor]: The meta term (differentiable w.r.t. the
        generator only) and the primary loss at ``theta'`` (detached).
    """
    names = [n for n, p in net.named_parameters() if p.requires_grad]
    theta = [net.get_parameter(n) for n in names]
    buffers = dict(net.named_buffers())

    def run(params: List[torch.Tensor]) -> Tuple[torch.Tensor, ...]:
        state = {n: b.clone() for n, b in buffers.items()}
        state.update(zip(names, params))
        return functional_call(net, state, (inputs, ))

    primary, aux = run(theta)
    train_loss = (
        primary_loss(primary, labels) + aux_loss(aux, aux_labels.detach()))
    virtual = [(p - lr * g).detach().requires_grad_()
               for p, g in zip(theta, _grads(train_loss, theta))]
    loss_generator = primary_loss(run(virtual)[0], labels)
    v = _grads(loss_generator, virtual)
    norm = torch.cat([d.flatten() for d in v]).norm().clamp_min(1e-12)
    eps = finite_diff_eps / norm
    with torch.no_grad():
        aux_plus = run([p + eps * d for p, d in zip(theta, v)])[1]
        aux_minus = run([p - eps * d for p, d in zip(theta, v)])[1]
    meta = -lr * (aux_loss(aux_plus, aux_labels) -
                  aux_loss(aux_minus, aux_labels)) / (2 * eps)
    return meta, loss_generator.detach()


def _grads(loss: torch.Tensor,
           params: List[torch.Tensor]) -> List[torch.Tensor]:
    """``d loss / d params``, zeros for parameters the loss does not use."""
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    return [
        torch.zeros_like(p) if g is None else g for p, g in zip(params, grads)
    ]
