"""Datasets read from local files in their official formats; none downloads."""
from .cifar import CIFAR10, CIFAR100
from .dataset_errors import dataset_file_error
from .digits import Digits
from .stl10 import STL10
from .video import VideoRawframeDataset
from .voc import VOC

__all__ = [
    'CIFAR10', 'CIFAR100', 'STL10', 'Digits', 'VOC', 'VideoRawframeDataset',
    'dataset_file_error'
]
