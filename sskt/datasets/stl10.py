"""STL-10 read from the official binary files in ``data_root/stl10_binary/``.

Each ``*_X.bin`` holds uint8 images of 3 x 96 x 96, every channel stored
column-major (as written by the official MATLAB code); ``*_y.bin`` holds one
uint8 label in 1..10 per image. The 2.7 GB ``unlabeled_X.bin`` is only opened
for ``split='unlabeled'``, and then memory-mapped and decoded one image at a
time in :meth:`STL10.get_data_info`. Nothing is ever downloaded.
"""
import os.path as osp
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from mmpretrain.datasets import BaseDataset

from sskt.registry import DATASETS
from sskt.utils.errors import ConfigError
from .dataset_errors import dataset_file_error, listed_records, require_file
from .dataset_guards import SampleGuardMixin

IMG_BYTES = 3 * 96 * 96
SPLITS = ('train', 'test', 'unlabeled')


@DATASETS.register_module()
class STL10(SampleGuardMixin, BaseDataset):
    """STL-10 (10 classes, 96 x 96 RGB) from ``data_root/stl10_binary/``.

    Each sample is ``dict(img=96x96x3 uint8 RGB array, gt_label=int,
    record=int)``, labels 0..9 (the file's 1..10 minus one) and -1 for
    ``'unlabeled'``, ``record`` being the image's row in ``<split>_X.bin``.
    Class names come from ``class_names.txt``.

    Args:
        data_root (str): The folder that holds ``stl10_binary/``. Defaults to
            ``'data/stl10'``.
        split (str): ``'train'`` (5000 images), ``'test'`` (8000) or
            ``'unlabeled'`` (100000). Defaults to ``'train'``.
        fold (int, optional): With ``split='train'``, keep only the 1000
            training images listed (0-based) on line ``fold`` (0..9) of
            ``fold_indices.txt``. Defaults to None (all 5000).
        **kwargs: Other arguments of :class:`mmpretrain.datasets.BaseDataset`.
    """

    base_folder = 'stl10_binary'
    hint = ('Download and extract the official "STL-10 binary" archive '
            '(stl10_binary.tar.gz) so that this file exists')
    redo = 'Re-extract it from the official stl10_binary.tar.gz'

    def __init__(self,
                 data_root: str = 'data/stl10',
                 split: str = 'train',
                 fold: Optional[int] = None,
                 **kwargs) -> None:
        if split not in SPLITS:
            raise ConfigError(f'STL10: split must be one of {SPLITS}, '
                              f'got {split!r}')
        if fold is not None and (split != 'train' or fold not in range(10)):
            raise ConfigError("STL10: fold must be an int in 0..9 and needs "
                              f"split='train', got fold={fold!r}, "
                              f'split={split!r}')
        self.split = split
        self.fold = fold
        self._unlabeled: Optional[np.ndarray] = None
        super().__init__(ann_file='', data_root=data_root, **kwargs)

    def _path(self, name: str) -> str:
        return osp.join(self.data_root, self.base_folder, name)

    def _images(self, name: str) -> np.ndarray:
        """Memory-map ``name`` as N x 3 x 96(W) x 96(H) uint8, checked."""
        path = require_file(self._path(name), 'STL10', self.hint)
        size = osp.getsize(path)
        if size == 0 or size % IMG_BYTES:
            raise dataset_file_error(
                path, f'has wrong size {size} bytes, expected a positive '
                f'multiple of {IMG_BYTES} (3x96x96)', 'STL10', self.redo)
        return np.memmap(path, np.uint8, 'r').reshape(-1, 3, 96, 96)

    def _labels(self, name: str, num: int) -> np.ndarray:
        """Read ``num`` labels from ``name`` and map 1..10 to 0..9."""
        path = require_file(self._path(name), 'STL10', self.hint)
        labels = np.fromfile(path, np.uint8)
        if len(labels) != num:
            raise dataset_file_error(
                path, f'has wrong size {len(labels)} bytes, expected one '
                f'label per image ({num})', 'STL10', self.redo)
        bad = np.flatnonzero((labels < 1) | (labels > 10))
        if len(bad):
            raise dataset_file_error(
                path, 'has labels outside 1..10 at records (label) '
                f'{listed_records(bad, labels)}', 'STL10', self.redo)
        return labels.astype(np.int64) - 1

    def _fold(self, num: int) -> np.ndarray:
        """The 0-based train indices on line ``self.fold`` of the folds."""
        path = require_file(self._path('fold_indices.txt'), 'STL10', self.hint)
        with open(path) as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        try:
            idx = np.array(lines[self.fold].split(), dtype=np.int64)
        except (IndexError, ValueError):
            raise dataset_file_error(
                path, f'has no line {self.fold} of integer indices', 'STL10',
                self.redo) from None
        if len(idx) == 0 or idx.min() < 0 or idx.max() >= num:
            raise dataset_file_error(
                path, f'has line {self.fold} with indices outside 0..'
                f'{num - 1}', 'STL10', self.redo)
        return idx

    def load_data_list(self) -> List[Dict[str, Any]]:
        """Read the class names and the split.

        Returns:
            list[dict]: ``dict(img=96x96x3 uint8 RGB, gt_label=int,
            record=int)`` each; for ``'unlabeled'`` ``dict(img_index=int,
            gt_label=-1, record=int)``, the image being decoded by
            :meth:`get_data_info`.
        """
        path = require_file(self._path('class_names.txt'), 'STL10', self.hint)
        with open(path) as f:
            names = tuple(n.strip() for n in f if n.strip())
        if len(names) != 10:
            raise dataset_file_error(
                path, f'has {len(names)} class names, '
                'expected 10', 'STL10', self.redo)
        self._metainfo.setdefault('classes', names)

        if self.split == 'unlabeled':
            num = len(self._images('unlabeled_X.bin'))
            return [
                dict(img_index=i, gt_label=-1, record=i) for i in range(num)
            ]
        images = self._images(f'{self.split}_X.bin')
        labels = self._labels(f'{self.split}_y.bin', len(images))
        keep = np.arange(len(images)) if self.fold is None else self._fold(
            len(images))
        # (N, C, W, H) -> (N, H, W, C)
        imgs = np.ascontiguousarray(images[keep].transpose(0, 3, 2, 1))
        return [
            dict(img=img, gt_label=int(labels[i]), record=int(i))
            for img, i in zip(imgs, keep)
        ]

    def source_text(self) -> str:
        """The split (and fold) and its folder, for messages."""
        fold = '' if self.fold is None else f', fold={self.fold}'
        return (f'split={self.split!r}{fold} in '
                f'{osp.join(self.data_root, self.base_folder)}')

    def record_spec(self) -> Tuple[Tuple[int, ...], int, bool]:
        """Every record is a 96 x 96 x 3 uint8 image of a known class."""
        return (96, 96, 3), len(self.CLASSES), self.split == 'unlabeled'

    def record_origin(self, info: Dict[str, Any]) -> str:
        """``'record <row> of <split>_X.bin'``."""
        return (f'record {info["record"]} of '
                f'{self._path(f"{self.split}_X.bin")}')

    def get_data_info(self, idx: int) -> dict:
        """Get the ``idx``-th sample, decoding unlabeled images lazily.

        Args:
            idx (int): The index of the sample.

        Returns:
            dict: The sample with its ``img``.
        """
        info = super().get_data_info(idx)
        if 'img_index' in info:
            if self._unlabeled is None:
                self._unlabeled = self._images('unlabeled_X.bin')
            img = self._unlabeled[info['img_index']]
            info['img'] = np.ascontiguousarray(img.transpose(2, 1, 0))
        return info

    def __getstate__(self) -> dict:
        """Drop the memory map so that pickling (spawned workers) is cheap."""
        state = self.__dict__.copy()
        state['_unlabeled'] = None
        return state

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [
            f'Data root: \t{self.data_root}', f'Split: \t{self.split}',
            f'Fold: \t{self.fold}'
        ]
