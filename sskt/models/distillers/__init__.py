"""Distillers: the training algorithms (SSKT; KD, DML and MAXL follow)."""
from .dml import DML
from .kd import KD
from .maxl import MAXL
from .sskt import SSKT
from .sskt_with_soft_label_cache import SSKTWithSoftLabelCache
from .target_interface import (ImageTarget, TargetFeatures, VideoTarget,
                               target_interface)

__all__ = [
    'DML', 'KD', 'MAXL', 'SSKT', 'SSKTWithSoftLabelCache', 'ImageTarget',
    'TargetFeatures', 'VideoTarget', 'target_interface'
]
