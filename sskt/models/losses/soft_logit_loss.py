"""What the losses between student and softened teacher logits share."""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.utils.errors import ConfigError


class SoftLogitLoss(nn.Module):
    """Base of the losses between student logits and softened teacher logits.

    ``forward`` checks the shapes, softens both sides at temperature ``T``
    (the teacher side detached: no gradient reaches it), asks the subclass
    for one loss value per sample, applies optional per-sample weights, lets
    the subclass reduce, and scales by ``T^2 * loss_weight``.

    The loss may serve as the loss of an mmpretrain head, which calls it with
    ``avg_factor=batch_size``; ``avg_factor`` is accepted and not used, as
    are other keyword arguments.

    Args:
        T (float): Temperature of both softmaxes. Defaults to 1.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, T: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if not isinstance(T, (int, float)) or isinstance(T, bool) or T <= 0:
            raise ConfigError(f'{type(self).__name__} T must be a positive '
                              f'number, got {T!r}')
        self.T = float(T)
        self.loss_weight = loss_weight

    def per_sample(self, log_student: torch.Tensor,
                   soft_teacher: torch.Tensor) -> torch.Tensor:
        """The loss of each sample, shape ``(B, )``.

        Args:
            log_student (torch.Tensor): ``log_softmax(a / T)``, ``(B, K)``.
            soft_teacher (torch.Tensor): ``softmax(q / T)``, ``(B, K)``.
        """
        raise NotImplementedError

    def reduce(self, losses: torch.Tensor, num_classes: int) -> torch.Tensor:
        """Reduce the per-sample losses; the mean over the batch by default.

        Args:
            losses (torch.Tensor): Weighted per-sample losses, ``(B, )``.
            num_classes (int): ``K``, for reductions over all elements.
        """
        return losses.mean()

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
        losses = self.per_sample(log_student, soft)
        if weight is not None:
            losses = losses * weight.to(losses.dtype).reshape(-1)
        return self.loss_weight * self.T**2 * self.reduce(
            losses, cls_score.size(1))
