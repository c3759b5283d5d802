"""Data preprocessors: batch augmentation on the device."""
from .batch_augment import BatchAugmentClsDataPreprocessor, random_crop_flip

__all__ = ['BatchAugmentClsDataPreprocessor', 'random_crop_flip']
