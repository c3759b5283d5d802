"""KD: a target taught by one frozen teacher's softened logits (Hinton)."""
from typing import Dict, Optional

import torch
import torch.nn as nn

from sskt.registry import MODELS
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError
from .base_distiller import BaseDistiller
from .target_utils import build_tempered_loss, share_target_normalization


@MODELS.register_module()
class KD(BaseDistiller):
    """Knowledge distillation (Hinton et al., 2015) from a frozen teacher.

    The target (the student) trains on its own task and on the teacher's
    logits on the same batch::

        loss = ce_weight * loss_cls(a, y) + kd_weight * kd_loss(a, q; T)

    where ``a`` are the target's logits and ``q`` the teacher's. The
    ``T^2`` factor of Hinton's loss is inside :class:`KDLoss` (so the
    gradients keep their scale whatever ``T``); RepDistiller's KD line
    ``-r 0.1 -a 0.9 --kd_T 4`` is ``ce_weight=0.1, kd_weight=0.9, T=4``. A
    single-label target gets ``KDLoss(T, reduction='batchmean')``, a
    multi-label one (an mmpretrain ``MultiLabelClsHead``) the per-class
    ``BinaryKDLoss(T)``. Prediction uses the target only.

    The teacher is kept out of the module tree (:class:`FrozenModelsMixin`):
    never in the optimizer, never wrapped by DDP, not in checkpoints; it
    reloads from its own file when training starts. It sees the target's
    preprocessed batch.

    Args:
        target (dict): The target model, e.g. an mmpretrain ``ImageClassifier``
            dict that carries ``_scope_='mmpretrain'``.
        teacher (dict): The teacher, usually a :class:`FrozenClassifier`
            config (any registered module with the source contract of
            ``docs/customize.md`` fits). Its classes must be the target's.
        ce_weight (float): Weight of the target's own loss. Defaults to 1.0.
        kd_weight (float): Weight of the distillation loss. Defaults to 1.0.
        T (float): Temperature of the distillation loss. Defaults to 4.0.
        kd_loss (dict, optional): The distillation loss; it gets ``T`` if it
            takes one and does not set it. Defaults to None: ``KDLoss`` with
            ``reduction='batchmean'``, or ``BinaryKDLoss`` for a multi-label
            target.
        data_preprocessor (dict, optional): Used as the target's data
            preprocessor when the target dict has none (the Runner passes a
            config's top-level ``data_preprocessor`` here).
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 target: dict,
                 teacher: dict,
                 ce_weight: float = 1.0,
                 kd_weight: float = 1.0,
                 T: float = 4.0,
                 kd_loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        require_non_negative('model.ce_weight', ce_weight)
        require_non_negative('model.kd_weight', kd_weight)
        require_positive('model.T', T)
        super().__init__(target, data_preprocessor, init_cfg)
        self.ce_weight = ce_weight
        self.kd_weight = kd_weight
        self.T = T
        teacher_model = MODELS.build(teacher)
        share_target_normalization(teacher_model, self.data_preprocessor)
        self._check_classes(teacher_model)
        self.hold_frozen({'teacher': teacher_model})
        if kd_loss is None:
            kd_loss = (
                dict(type='BinaryKDLoss') if self.multi_label else dict(
                    type='KDLoss', reduction='batchmean'))
        self.kd_loss = build_tempered_loss(kd_loss, T, 'model.kd_loss')

    def _check_classes(self, teacher: nn.Module) -> None:
        """Raise unless the teacher and the target have as many classes."""
        ours = self.target_interface.num_classes
        theirs = getattr(teacher, 'num_classes', None)
        if ours is not None and theirs is not None and ours != theirs:
            raise ConfigError(
                f'The KD teacher has {theirs} classes but the target has '
                f'{ours}. KD needs a teacher trained on the target\'s '
                'classes; for a teacher of other classes use SSKT, whose '
                'auxiliary branches learn its logits.')

    @property
    def multi_label(self) -> bool:
        """Whether the target's head is multi-label (sigmoid per class)."""
        return self.target_interface.multi_label

    @property
    def teacher(self) -> nn.Module:
        """The frozen teacher (not a submodule: see the class doc)."""
        return self.frozen_models['teacher']

    # ------------------------------------------------------------ forward
    def loss(self, inputs: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        """The weighted target loss and the weighted distillation loss.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            data_samples (list): The batch's data samples.

        Returns:
            dict[str, Tensor]: ``loss_cls`` (already multiplied by
            ``ce_weight``), ``loss_kd`` (already multiplied by
            ``kd_weight``) and whatever else the target head logs.
        """
        target = self.target_interface
        logits = target.logits(target.stage_features(inputs))
        losses = target.loss(logits, data_samples)
        losses['loss_cls'] = self.ce_weight * losses['loss_cls']
        losses['loss_kd'] = self.kd_weight * self.kd_loss(
            logits, self.teacher(inputs))
        return losses
