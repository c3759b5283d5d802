"""Knowledge distillation for multi-label targets: one Bernoulli per class."""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@MODELS.register_module()
class BinaryKDLoss(nn.Module):
    """Per-class binary KL between softened sigmoid outputs, times T^2.

    For multi-label targets (VOC) each class is an independent yes/no
    decision, so KD compares, class by class, the Bernoulli distributions
    ``p = sigmoid(q / T)`` (teacher, detached) and ``s = sigmoid(a / T)``
    (student)::

        KL_c = p_c * log(p_c / s_c) + (1 - p_c) * log((1 - p_c) / (1 - s_c))
        loss = loss_weight * T^2 * 1/B * sum_i sum_c KL_ic

    i.e. summed over the classes and averaged over the batch, as
    :class:`KDLoss` with ``reduction='batchmean'``. It is computed from
    logits (``F.logsigmoid``), so saturated sigmoids stay finite.

    Args:
        T (float): Temperature of the sigmoids. Defaults to 1.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, T: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if not isinstance(T, (int, float)) or isinstance(T, bool) or T <= 0:
            raise ConfigError(
                f'BinaryKDLoss T must be a positive number, got {T!r}')
        self.T = float(T)
        self.loss_weight = loss_weight

    def forward(self,
                cls_score: torch.Tensor,
                target: torch.Tensor,
                avg_factor: Optional[float] = None,
                **kwargs) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (torch.Tensor): Student logits, ``(B, K)``.
            target (torch.Tensor): Teacher logits, ``(B, K)``.
            avg_factor (float, optional): Accepted for the call of
                mmpretrain's heads; not used.

        Returns:
            torch.Tensor: The scalar loss.
        """
        if cls_score.dim() != 2 or cls_score.shape != target.shape:
            raise ValueError(
                f'student logits {tuple(cls_score.shape)} and teacher logits '
                f'{tuple(target.shape)} must both have shape (B, K)')
        student = cls_score / self.T
        teacher = target.detach().to(cls_score.dtype) / self.T
        p = torch.sigmoid(teacher)
        log_p, log_not_p = F.logsigmoid(teacher), F.logsigmoid(-teacher)
        log_s, log_not_s = F.logsigmoid(student), F.logsigmoid(-student)
        kl = p * (log_p - log_s) + (1 - p) * (log_not_p - log_not_s)
        return self.loss_weight * self.T**2 * kl.sum(dim=1).mean()
