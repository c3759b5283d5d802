"""Hinton's knowledge-distillation loss, with the original's reduction too.

``T^2 * KL(softmax(q / T) || softmax(a / T))`` between the teacher logits
``q`` and the student logits ``a`` (``docs/method.md``, "The loss").
"""
import torch
import torch.nn.functional as F

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from .soft_logit_loss import SoftLogitLoss


@MODELS.register_module()
class KDLoss(SoftLogitLoss):
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
    ``w_i`` before the reduction. See :class:`SoftLogitLoss` for the call.

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
        super().__init__(T=T, loss_weight=loss_weight)
        if reduction not in ('batchmean', 'mean'):
            raise ConfigError("KDLoss reduction must be 'batchmean' or "
                              f"'mean', got {reduction!r}")
        self.reduction = reduction

    def per_sample(self, log_student: torch.Tensor,
                   soft_teacher: torch.Tensor) -> torch.Tensor:
        """``KL(softmax(q / T) || softmax(a / T))`` of each sample."""
        return F.kl_div(log_student, soft_teacher, reduction='none').sum(dim=1)

    def reduce(self, losses: torch.Tensor, num_classes: int) -> torch.Tensor:
        """Average over the batch, or over all ``B * K`` elements."""
        if self.reduction == 'mean':
            return losses.sum() / (losses.numel() * num_classes)
        return losses.mean()
