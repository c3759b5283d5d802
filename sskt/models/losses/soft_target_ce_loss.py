"""Soft-target cross-entropy: the original SSKT ``ce`` auxiliary loss.

The aux logits ``a`` of a target's branch are trained towards the softmax of
the frozen source's logits ``q``, both at temperature ``T``, scaled by ``T^2``
(``sskt-method.md`` §4.1). It equals ``T^2 * (KL(q || a) + H(q))``: the
textbook KD loss plus the teacher's entropy, a constant, so its gradient is
the KD gradient with the batch-mean reduction.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@MODELS.register_module()
class SoftTargetCELoss(nn.Module):
    """Cross-entropy against the teacher's softened distribution.

    With ``w_i`` the optional per-sample weight (1 by default)::

        loss = loss_weight * T^2 * 1/B * sum_i w_i
               * (-sum_c softmax(q_i / T)_c * log_softmax(a_i / T)_c)

    The teacher logits ``q`` are detached: no gradient reaches them. With
    ``T=1`` and no T^2 factor this is also the 3D original's ``ce`` aux loss.

    The loss may serve as the loss of an mmpretrain head, which calls it
    with ``avg_factor=batch_size``; ``avg_factor`` is accepted and not used
    (the denominator is always the batch size ``B``), as are other keyword
    arguments.

    Args:
        T (float): Temperature of both softmaxes. Defaults to 1.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, T: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if not isinstance(T, (int, float)) or isinstance(T, bool) or T <= 0:
            raise ConfigError(
                f'SoftTargetCELoss T must be a positive number, got {T!r}')
        self.T = float(T)
        self.loss_weight = loss_weight

    def forward(self,
                cls_score: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                **kwargs) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (torch.Tensor): Student logits of shape ``(B, K)``.
            target (torch.Tensor): Teacher logits of shape ``(B, K)``.
            weight (torch.Tensor, optional): Per-sample weights of shape
                ``(B, )``. Defaults to None.
            avg_factor (float, optional): Accepted for the call of
                mmpretrain's heads; not used.
            **kwargs: Accepted for the call of mmpretrain's heads; not used.

        Returns:
            torch.Tensor: The scalar loss.
        """
        if cls_score.dim() != 2 or cls_score.shape != target.shape:
            raise ValueError(
                f'student logits {tuple(cls_score.shape)} and teacher logits '
                f'{tuple(target.shape)} must both have shape (B, K)')
        soft = F.softmax(target.detach().to(cls_score.dtype) / self.T, dim=1)
        loss = -(soft * F.log_softmax(cls_score / self.T, dim=1)).sum(dim=1)
        if weight is not None:
            loss = loss * weight.to(loss.dtype).reshape(-1)
        return self.loss_weight * self.T**2 * loss.mean()
