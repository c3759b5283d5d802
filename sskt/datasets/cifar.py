"""CIFAR-10 and CIFAR-100 read from the official "python version" pickles.

Unlike :class:`mmpretrain.datasets.CIFAR10`, these classes never download:
they read ``data_root/cifar-10-batches-py/`` (or ``cifar-100-python/``) as
extracted from the official archive, and every missing or malformed file is a
one-paragraph error (see :mod:`sskt.datasets.dataset_errors`). The pickles are
read with an unpickler that only accepts numpy arrays and plain containers, so
a tampered file cannot execute code.
"""
import bisect
import os.path as osp
import pickle
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from mmpretrain.datasets import BaseDataset

from sskt.registry import DATASETS
from sskt.utils.errors import ConfigError
from .dataset_errors import (check_md5, dataset_file_error, listed_records,
                             require_file)
from .dataset_guards import SampleGuardMixin

_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]


class _SafeUnpickler(pickle.Unpickler):
    """Unpickler that resolves only the globals a CIFAR pickle needs."""

    # bytes: protocol 2 pickles the buffer of an empty array as bytes()
    ALLOWED = {
        ('numpy.core.multiarray', '_reconstruct'): _RECONSTRUCT,
        ('numpy._core.multiarray', '_reconstruct'): _RECONSTRUCT,
        ('numpy', 'ndarray'): np.ndarray,
        ('numpy', 'dtype'): np.dtype,
        ('_codecs', 'encode'): __import__('codecs').encode,
        ('__builtin__', 'bytes'): bytes,
        ('builtins', 'bytes'): bytes,
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return self.ALLOWED[(module, name)]
        raise pickle.UnpicklingError(f'global {module}.{name} is forbidden')


@DATASETS.register_module()
class CIFAR10(SampleGuardMixin, BaseDataset):
    """CIFAR-10 from ``data_root/cifar-10-batches-py/``.

    Each sample is ``dict(img=HxWx3 uint8 RGB array, gt_label=int,
    record=int)``, ``record`` being the image's row in the split's files
    taken in order; class names come from ``batches.meta``. Nothing is ever
    downloaded. A split whose files hold no image is an
    :class:`~sskt.utils.errors.EmptyDatasetError`.

    Args:
        data_root (str): The folder that holds ``cifar-10-batches-py/``.
            Defaults to ``'data/cifar10'``.
        split (str): ``'train'`` (50000 images) or ``'test'`` (10000).
            Defaults to ``'train'``.
        verify (bool): Compare the md5 of every file read with the official
            one. Defaults to False.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.BaseDataset`
            (``pipeline``, ``indices``, ``test_mode``, ``metainfo``, ...).
    """

    base_folder = 'cifar-10-batches-py'
    archive = '"CIFAR-10 python version" (cifar-10-python.tar.gz)'
    # (file name, official md5), from mmpretrain/datasets/cifar.py
    train_files = (('data_batch_1', 'c99cafc152244af753f735de768cd75f'),
                   ('data_batch_2', 'd4bba439e000b95fd0a9bffe97cbabec'),
                   ('data_batch_3', '54ebc095f3ab1f0389bbae665268c751'),
                   ('data_batch_4', '634d18415352ddfa80567beed471001a'),
                   ('data_batch_5', '482c414d41f54cd18b22e5b47cb7c3cb'))
    test_files = (('test_batch', '40351d587109b95175f43aff81a1287e'), )
    meta_file = ('batches.meta', '5ff9c542aee3614f3951f8cda6e48888')
    label_key = 'labels'
    names_key = 'label_names'

    def __init__(self,
                 data_root: str = 'data/cifar10',
                 split: str = 'train',
                 verify: bool = False,
                 **kwargs) -> None:
        if split not in ('train', 'test'):
            raise ConfigError(f"{type(self).__name__}: split must be 'train' "
                              f"or 'test', got {split!r}")
        self.split = split
        self.verify = verify
        self._record_ends: List[Tuple[int, str]] = []
        super().__init__(ann_file='', data_root=data_root, **kwargs)

    def _path(self, name: str) -> str:
        return osp.join(self.data_root, self.base_folder, name)

    def _load(self, name: str, md5: str, keys: Sequence[str]) -> dict:
        """Read one pickle, check its md5 if asked and that it has ``keys``.

        Args:
            name (str): File name inside ``base_folder``.
            md5 (str): The official md5 of the file.
            keys (Sequence[str]): Keys the file must have.

        Returns:
            dict: The pickle's dict with ``str`` keys.
        """
        dataset = type(self).__name__
        path = require_file(
            self._path(name), dataset,
            f'Download and extract the official {self.archive} so that this '
            'file exists')
        redo = f'Re-extract it from the official {self.archive}'
        if self.verify:
            check_md5(path, md5, dataset, redo)
        try:
            with open(path, 'rb') as f:
                entry = _SafeUnpickler(f, encoding='latin1').load()
        except Exception as e:  # any unpickling failure means a bad file
            raise dataset_file_error(
                path, f'is not a readable CIFAR pickle ({type(e).__name__}: '
                f'{e})', dataset, redo) from None
        if not isinstance(entry, dict):
            raise dataset_file_error(path, 'does not hold a dict', dataset,
                                     redo)
        entry = {_text(k): v for k, v in entry.items()}
        for key in keys:
            if key not in entry:
                raise dataset_file_error(path, f"has no key b'{key}'", dataset,
                                         redo)
        return entry

    def _read_batch(self, name: str, md5: str,
                    num_classes: int) -> Tuple[np.ndarray, List[int]]:
        """Read the images (N x 32 x 32 x 3, RGB) and labels of one batch."""
        entry = self._load(name, md5, ('data', self.label_key))
        data, labels = entry['data'], entry[self.label_key]
        if (not isinstance(data, np.ndarray) or data.dtype != np.uint8
                or data.ndim != 2 or data.shape[1] != 3 * 32 * 32):
            shape = getattr(data, 'shape', type(data).__name__)
            raise dataset_file_error(
                self._path(name), f"has b'data' of wrong size {shape}, "
                'expected N x 3072 uint8',
                type(self).__name__,
                f'Re-extract it from the official {self.archive}')
        labels = [int(label) for label in labels]
        bad = [
            i for i, label in enumerate(labels) if not 0 <= label < num_classes
        ]
        key, valid = f"b'{self.label_key}'", f'0..{num_classes - 1}'
        problem = ''
        if len(labels) != len(data):
            problem = (f'has {len(labels)} {key} for {len(data)} images, '
                       f'expected one label in {valid} per image')
        elif bad:
            problem = (f'has {key} outside {valid} at records (label) '
                       f'{listed_records(bad, labels)}')
        if problem:
            raise dataset_file_error(
                self._path(name), problem,
                type(self).__name__,
                f'Re-extract it from the official {self.archive}')
        imgs = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return imgs, labels

    def load_data_list(self) -> List[Dict[str, Any]]:
        """Read the split and the class names.

        Returns:
            list[dict]: ``dict(img=32x32x3 uint8 RGB, gt_label=int,
            record=int)`` each.
        """
        meta = self._load(*self.meta_file, keys=(self.names_key, ))
        names = tuple(_text(n) for n in meta[self.names_key])
        self._metainfo.setdefault('classes', names)
        data_list = []
        self._record_ends = []
        for name, md5 in self._split_files():
            imgs, labels = self._read_batch(name, md5, len(names))
            start = len(data_list)
            data_list.extend(
                dict(
                    img=np.ascontiguousarray(img),
                    gt_label=label,
                    record=start + i)
                for i, (img, label) in enumerate(zip(imgs, labels)))
            self._record_ends.append((len(data_list), self._path(name)))
        return data_list

    def _split_files(self) -> Sequence[Tuple[str, str]]:
        """``(file name, md5)`` of the split's files, in order."""
        return self.train_files if self.split == 'train' else self.test_files

    def source_text(self) -> str:
        """The split and its folder, for messages."""
        return (f'split={self.split!r} in '
                f'{osp.join(self.data_root, self.base_folder)}')

    def empty_text(self) -> str:
        """Why the split has no image, and what to do."""
        names = ', '.join(name for name, _ in self._split_files())
        return (f'{names} in {osp.join(self.data_root, self.base_folder)} '
                f'hold no image, so split={self.split!r} has no sample; '
                f're-extract them from the official {self.archive}')

    def record_spec(self) -> Tuple[Tuple[int, ...], int, bool]:
        """Every record is a 32 x 32 x 3 uint8 image of a known class."""
        return (32, 32, 3), len(self.CLASSES), False

    def record_origin(self, info: Dict[str, Any]) -> str:
        """``'record <row> of <file>'``, the row counted in that file."""
        record = info['record']
        ends = [end for end, _ in self._record_ends]
        at = bisect.bisect_right(ends, record)
        if at == len(ends):
            return f'record {record} of {self.source_text()}'
        start = ends[at - 1] if at else 0
        return f'record {record - start} of {self._record_ends[at][1]}'

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [
            f'Data root: \t{self.data_root}', f'Split: \t{self.split}',
            f'Verify md5: \t{self.verify}'
        ]


@DATASETS.register_module()
class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels) from ``data_root/cifar-100-python/``.

    Reads ``train`` (50000 images) or ``test`` (10000) and the class names
    from ``meta`` (``fine_label_names``). Nothing is ever downloaded.

    Args:
        data_root (str): The folder that holds ``cifar-100-python/``.
            Defaults to ``'data/cifar100'``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        verify (bool): Compare the md5 of every file read with the official
            one. Defaults to False.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.BaseDataset`.
    """

    base_folder = 'cifar-100-python'
    archive = '"CIFAR-100 python version" (cifar-100-python.tar.gz)'
    train_files = (('train', '16019d7e3df5f24257cddd939b257f8d'), )
    test_files = (('test', 'f0ef6b0ae62326f3e7ffdfab6717acfc'), )
    meta_file = ('meta', '7973b15100ade9c7d40fb424638fde48')
    label_key = 'fine_labels'
    names_key = 'fine_label_names'

    def __init__(self,
                 data_root: str = 'data/cifar100',
                 split: str = 'train',
                 verify: bool = False,
                 **kwargs) -> None:
        super().__init__(
            data_root=data_root, split=split, verify=verify, **kwargs)


def _text(value: Any) -> Any:
    """Decode the ``bytes`` keys and names of a pickle to ``str``."""
    return value.decode('latin1') if isinstance(value, bytes) else value
