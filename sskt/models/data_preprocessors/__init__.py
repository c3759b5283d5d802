"""Data preprocessors: batch augmentation on the device."""
from .batch_augment import (BatchAugmentClsDataPreprocessor, draw_augmentation,
                            random_crop_flip)

__all__ = [
    'BatchAugmentClsDataPreprocessor', 'draw_augmentation', 'random_crop_flip'
]
