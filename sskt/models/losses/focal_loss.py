"""Softmax focal loss of the original 3D SSKT code, hard or soft targets.

Not mmpretrain's ``FocalLoss``, which is sigmoid-based: this one is a
softmax loss (``sskt-method.md`` §4.2). It is registered in the ``sskt``
scope; a config inside an mmpretrain-scoped model names it ``sskt.FocalLoss``.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@MODELS.register_module()
class FocalLoss(nn.Module):
    """Softmax focal loss against labels or a teacher's softmax.

    With ``p = softmax(pred)`` and ``w_i`` the optional per-sample weight::

        loss = loss_weight * 1/B * sum_i w_i
               * (-sum_c t_ic * (1 - p_ic)^gamma * log(p_ic + 1e-20))

    where ``t`` is the one-hot label for an integer target of shape
    ``(B, )`` (the original's target loss) and ``softmax(target)`` for a
    float target of shape ``(B, K)`` (the original's aux loss; the target
    is detached). Float targets are always taken as **logits**: a one-hot
    or probability matrix, such as mmpretrain's mixup/cutmix ``gt_score``,
    would be softmaxed again, so do not combine this loss with those batch
    augmentations. With ``gamma=0`` it is the cross-entropy (hard) or the
    soft-target cross-entropy at ``T=1`` (soft).

    The loss may serve as the loss of an mmpretrain head, which calls it
    with ``avg_factor=batch_size``; ``avg_factor`` is accepted and not used
    (the denominator is always ``B``), as are other keyword arguments.

    Args:
        gamma (float): Focusing exponent. Defaults to 2.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, gamma: float = 2.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if not isinstance(gamma, (int, float)) or isinstance(
                gamma, bool) or gamma < 0:
            raise ConfigError(
                f'FocalLoss gamma must be a number >= 0, got {gamma!r}')
        self.gamma = float(gamma)
        self.loss_weight = loss_weight

    def _target_weights(self, cls_score: torch.Tensor,
                        target: torch.Tensor) -> torch.Tensor:
        """Turn labels or teacher logits into class weights ``t``.

        Args:
            cls_score (torch.Tensor): Logits of shape ``(B, K)``.
            target (torch.Tensor): Labels ``(B, )`` or logits ``(B, K)``.

        Returns:
            torch.Tensor: Weights of shape ``(B, K)``.
        """
        if target.is_floating_point():
            if target.shape != cls_score.shape:
                raise ValueError(
                    f'soft targets {tuple(target.shape)} must have the shape '
                    f'of the logits {tuple(cls_score.shape)}')
            return F.softmax(target.detach().to(cls_score.dtype), dim=1)
        if target.shape != cls_score.shape[:1]:
            raise ValueError(
                f'integer labels {tuple(target.shape)} must have shape '
                f'({cls_score.size(0)}, ) for logits '
                f'{tuple(cls_score.shape)}')
        return F.one_hot(target.long(), cls_score.size(1)).to(cls_score.dtype)

    def forward(self,
                cls_score: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                **kwargs) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (torch.Tensor): Logits of shape ``(B, K)``.
            target (torch.Tensor): Integer labels of shape ``(B, )`` or
                teacher logits of shape ``(B, K)``.
            weight (torch.Tensor, optional): Per-sample weights of shape
                ``(B, )``. Defaults to None.
            avg_factor (float, optional): Accepted for the call of
                mmpretrain's heads; not used.
            **kwargs: Accepted for the call of mmpretrain's heads; not used.

        Returns:
            torch.Tensor: The scalar loss.
        """
        if cls_score.dim() != 2:
            raise ValueError('logits must have shape (B, K), got '
                             f'{tuple(cls_score.shape)}')
        t = self._target_weights(cls_score, target)
        prob = F.softmax(cls_score, dim=1)
        loss = -t * torch.log(prob + 1e-20)
        if self.gamma != 0:
            loss = loss * (1 - prob)**self.gamma
        loss = loss.sum(dim=1)
        if weight is not None:
            loss = loss * weight.to(loss.dtype).reshape(-1)
        return self.loss_weight * loss.mean()
