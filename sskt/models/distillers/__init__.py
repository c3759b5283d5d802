"""Distillers: the training algorithms (SSKT; KD, DML and MAXL follow)."""
from .dml import DML
from .kd import KD
from .maxl import MAXL
from .sskt import SSKT

__all__ = ['DML', 'KD', 'MAXL', 'SSKT']
