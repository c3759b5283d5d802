"""Classifiers of our own (targets come from mmpretrain/mmaction)."""
from .torchvision_classifier import TorchvisionClassifier

__all__ = ['TorchvisionClassifier']
