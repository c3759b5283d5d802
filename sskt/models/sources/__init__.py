"""Frozen source networks, their input adapters and checkpoint readers."""
from .adapters import SourceAdapter
from .checkpoint_formats import (detect_checkpoint_format, read_class_names,
                                 read_source_state_dict)
from .frozen_classifier import FrozenClassifier
from .frozen_source import FrozenSource

__all__ = [
    'FrozenSource', 'FrozenClassifier', 'SourceAdapter',
    'read_source_state_dict', 'detect_checkpoint_format', 'read_class_names'
]
