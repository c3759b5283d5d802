"""Hinton's knowledge-distillation loss, with the original's reduction too.

``T^2 * KL(softmax(q / T) || softmax(a / T))`` between the teacher logits
``q`` and the student logits ``a`` (``sskt-method.md`` §4.1, §9 item 10).
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@MODELS.register_module()
class KDLoss(nn.Module):
    """KL divergence from the teacher's softened distribution, times T^2.

    It equals ``F.kl_div(log_softmax(a / T), softmax(q / T),
    reduction=reduction)`` times ``T^2 * loss_weight``; the teacher logits
    ``q`` are detached. ``'batchmean'`` (the default, textbook KD) sums the
    KL over the classes and averages over the batch. The original SSKT
    ``kd`` loss used ``nn.KLDivLoss()``, whose default ``'mean'`` averages
    over all ``B * K`` elements, so it is exactly ``1/K`` of the batchmean
    loss (1/1000 for an ImageNet source, 1/365 for Places365); set
    ``reduction='mean'`` to reproduce it. The reduction is done here, from
    torch's ``reduction='none'``, since torch warns that its own ``'mean'``
    will turn into ``'batchmean'`` in a future release.

    With per-sample weights ``w_i`` each sample's KL is multiplied by
    ``w_i`` before the reduction. The loss may serve as the loss of an
    mmpretrain head, which calls it with ``avg_factor=batch_size``;
    ``avg_factor`` is accepted and not used, as are other keyword arguments.

    Args:
        T (float): Temperature of both softmaxes. Defaults to 1.0.
        reduction (str): ``'batchmean'`` or ``'mean'``.
            Defaults to ``'batchmean'``.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 T: float = 1.0,
                 reduction: str = 'batchmean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if not isinstance(T, (int, float)) or isinstance(T, bool) or T <= 0:
            raise ConfigError(f'KDLoss T must be a positive number, got {T!r}')
        if reduction not in ('batchmean', 'mean'):
            raise ConfigError("KDLoss reduction must be 'batchmean' or "
                              f"'mean', got {reduction!r}")
        self.T = float(T)
        self.reduction = reduction
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
        log_student = F.log_softmax(cls_score / self.T, dim=1)
        soft = F.softmax(target.detach().to(cls_score.dtype) / self.T, dim=1)
        loss = F.kl_div(log_student, soft, reduction='none').sum(dim=1)
        if weight is not None:
            loss = loss * weight.to(loss.dtype).reshape(-1)
        loss = loss.sum() / (
            cls_score.numel()
            if self.reduction == 'mean' else cls_score.size(0))
        return self.loss_weight * self.T**2 * loss
