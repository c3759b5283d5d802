"""Softmax focal loss of the original 3D SSKT code, hard or soft targets.

Not mmpretrain's ``FocalLoss``, which is sigmoid-based: this one is a
softmax loss (``docs/method.md``, "The loss"). It is registered in the ``sskt``
scope; a config inside an mmpretrain-scoped model names it ``sskt.FocalLoss``.
Its arithmetic is :func:`soft_focal_loss`, which MAXL also calls directly on
its generated (probability) auxiliary labels.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def soft_focal_loss(logits: torch.Tensor,
                    weights: torch.Tensor,
                    gamma: float = 2.0,
                    reduction: str = 'mean') -> torch.Tensor:
    """Softmax focal loss against class weights (one-hot or probabilities).

    With ``p = softmax(logits)``, per sample::

        loss_i = -sum_c weights_ic * (1 - p_ic)^gamma * log(p_ic + 1e-20)

    Unlike :class:`FocalLoss` with a float target, ``weights`` are used as
    they are (not softmaxed, not detached): MAXL passes its generated
    auxiliary distributions here.

    Args:
        logits (torch.Tensor): Logits of shape ``(B, K)``.
        weights (torch.Tensor): Class weights of shape ``(B, K)``, e.g.
            one-hot labels or a probability distribution per row.
        gamma (float): Focusing exponent; 0 gives the cross-entropy.
            Defaults to 2.0.
        reduction (str): ``'mean'`` over the batch or ``'none'`` (one value
            per sample). Defaults to ``'mean'``.

    Returns:
        torch.Tensor: The scalar loss, or the ``(B, )`` losses.
    """
    if weights.shape != logits.shape:
        raise ValueError(f'weights {tuple(weights.shape)} must have the shape '
                         f'of the logits {tuple(logits.shape)}')
    if reduction not in ('mean', 'none'):
        raise ValueError(f"reduction must be 'mean' or 'none', got "
                         f'{reduction!r}')
    prob = F.softmax(logits, dim=1)
    loss = -weights * torch.log(prob + 1e-20)
    if gamma != 0:
        loss = loss * (1 - prob)**gamma
    loss = loss.sum(dim=1)
    return loss.mean() if reduction == 'mean' else loss


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
        loss = soft_focal_loss(cls_score, t, self.gamma, reduction='none')
        if weight is not None:
            loss = loss * weight.to(loss.dtype).reshape(-1)
        return self.loss_weight * loss.mean()
