"""Soft-target cross-entropy: the original SSKT ``ce`` auxiliary loss.

The aux logits ``a`` of a target's branch are trained towards the softmax of
the frozen source's logits ``q``, both at temperature ``T``, scaled by ``T^2``
(``docs/method.md``, "The loss"). It equals ``T^2 * (KL(q || a) + H(q))``: the
textbook KD loss plus the teacher's entropy, a constant, so its gradient is
the KD gradient with the batch-mean reduction.
"""
import torch

from sskt.registry import MODELS
from .soft_logit_loss import SoftLogitLoss


@MODELS.register_module()
class SoftTargetCELoss(SoftLogitLoss):
    """Cross-entropy against the teacher's softened distribution.

    With ``w_i`` the optional per-sample weight (1 by default)::

        loss = loss_weight * T^2 * 1/B * sum_i w_i
               * (-sum_c softmax(q_i / T)_c * log_softmax(a_i / T)_c)

    The teacher logits ``q`` are detached: no gradient reaches them. With
    ``T=1`` and no T^2 factor this is also the 3D original's ``ce`` aux loss.

    See :class:`SoftLogitLoss` for the call (``avg_factor`` is not used: the
    denominator is always the batch size ``B``).

    Args:
        T (float): Temperature of both softmaxes. Defaults to 1.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def per_sample(self, log_student: torch.Tensor,
                   soft_teacher: torch.Tensor) -> torch.Tensor:
        """``-sum_c softmax(q / T)_c * log_softmax(a / T)_c`` per sample."""
        return -(soft_teacher * log_student).sum(dim=1)
