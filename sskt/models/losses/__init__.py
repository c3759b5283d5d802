"""Losses."""
from .binary_kd_loss import BinaryKDLoss
from .focal_loss import FocalLoss
from .kd_loss import KDLoss
from .masked_bce_loss import MaskedBCEWithLogitsLoss
from .soft_target_ce_loss import SoftTargetCELoss

__all__ = [
    'BinaryKDLoss', 'FocalLoss', 'KDLoss', 'MaskedBCEWithLogitsLoss',
    'SoftTargetCELoss'
]
