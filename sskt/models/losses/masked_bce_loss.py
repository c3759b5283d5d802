"""Multi-label binary cross-entropy with logits that skips ignored targets.

The target of a multi-label sample is a vector of 1 (positive), 0 (negative)
or ``ignore_value`` (-1: e.g. a VOC class present only through difficult
objects under ``VOC(difficult='ignore')``). The loss is the mean of the
element-wise BCE over the entries whose target is not ``ignore_value``.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS


@MODELS.register_module()
class MaskedBCEWithLogitsLoss(nn.Module):
    """BCE-with-logits averaged over the entries that are not ignored.

    With ``M`` the entries (sample ``i``, class ``c``) whose target is not
    ``ignore_value``, ``w_i`` the optional per-sample weight and ``l_ic``
    the element-wise BCE-with-logits::

        loss = loss_weight * sum_{(i,c) in M} w_i * l_ic / |M|

    When nothing is ignored this is ``F.binary_cross_entropy_with_logits``
    with ``reduction='mean'``, i.e. the mean over ``N x C`` entries, which is
    the original SSKT ``nn.BCEWithLogitsLoss()`` and mmpretrain's
    ``CrossEntropyLoss(use_sigmoid=True)`` called without ``avg_factor``.

    mmpretrain's ``MultiLabelClsHead`` calls its loss with
    ``avg_factor=batch_size``; ``CrossEntropyLoss`` then returns the *sum*
    over ``N x C`` divided by ``N`` (``C`` times larger). This loss accepts
    ``avg_factor`` for that call and does not use it: the denominator is
    always ``|M|``, so in the head it keeps the original SSKT scale.

    If every entry is ignored the loss is 0 (with a zero gradient).

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        ignore_value (float): Target value of the entries to skip.
            Defaults to -1.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 ignore_value: float = -1) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.ignore_value = ignore_value

    def forward(self,
                cls_score: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                **kwargs) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (torch.Tensor): Logits of shape ``(N, C)``.
            target (torch.Tensor): Targets of shape ``(N, C)``: 1, 0 or
                ``ignore_value``.
            weight (torch.Tensor, optional): Per-sample weights of shape
                ``(N, )``, or element-wise weights of shape ``(N, C)``.
                Defaults to None.
            avg_factor (float, optional): Accepted for the call of
                mmpretrain's heads; not used (see the class docstring).
            **kwargs: Accepted for the call of mmpretrain's heads; not used.

        Returns:
            torch.Tensor: The scalar loss.
        """
        if cls_score.shape != target.shape:
            raise ValueError(f'cls_score {tuple(cls_score.shape)} and target '
                             f'{tuple(target.shape)} must have one shape')
        target = target.to(cls_score.dtype)
        valid = target != self.ignore_value
        loss = F.binary_cross_entropy_with_logits(
            cls_score,
            torch.where(valid, target, torch.zeros_like(target)),
            reduction='none')
        if weight is not None:
            weight = weight.to(loss.dtype)
            loss = loss * (
                weight.reshape(-1, 1) if weight.dim() == 1 else weight)
        loss = (loss * valid).sum() / valid.sum().clamp(min=1)
        return self.loss_weight * loss
