"""Losses."""
from .masked_bce_loss import MaskedBCEWithLogitsLoss

__all__ = ['MaskedBCEWithLogitsLoss']
