"""Distillers: the training algorithms (SSKT; KD, DML and MAXL follow)."""
from .sskt import SSKT

__all__ = ['SSKT']
