"""scikit-learn's 8 x 8 handwritten digits as a tiny 32 x 32 RGB dataset.

The 1797 images of :func:`sklearn.datasets.load_digits` ship with
scikit-learn, so this dataset needs no files at all: it is the fixture of
choice for fast end-to-end runs (demo configs, smoke tests) and, through
``classes``, for a "source" trained on some digits and a target on others.
"""
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmpretrain.datasets import BaseDataset
from PIL import Image

from sskt.registry import DATASETS
from sskt.utils.errors import ConfigError
from .dataset_guards import SampleGuardMixin

TEST_FRACTION = (3, 10)  # floor(3 * n / 10) images of each class are test


def digit_to_rgb(image: np.ndarray, size: int = 32) -> np.ndarray:
    """The documented transform of one ``load_digits().images[i]``.

    Values 0..16 are scaled to ``round(v * 255 / 16)`` as uint8, resized to
    ``size x size`` with PIL's bilinear filter and replicated to 3 channels.

    Args:
        image (np.ndarray): An 8 x 8 float array with values in 0..16.
        size (int): The output height and width. Defaults to 32.

    Returns:
        np.ndarray: A ``size x size x 3`` uint8 array.
    """
    gray = np.round(np.asarray(image, np.float64) * 255 / 16).astype(np.uint8)
    big = Image.fromarray(gray).resize((size, size), Image.Resampling.BILINEAR)
    return np.repeat(np.asarray(big)[:, :, None], 3, axis=2)


@lru_cache(maxsize=1)
def _load_digits() -> Tuple[np.ndarray, np.ndarray]:
    """``load_digits()``'s images (N x 8 x 8) and targets, read once."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    return digits.images, digits.target


@DATASETS.register_module()
class Digits(SampleGuardMixin, BaseDataset):
    """scikit-learn's digits as 32 x 32 x 3 uint8 images, with a fixed split.

    Split rule: ``rng = numpy.random.RandomState(seed)``; for each digit
    ``c = 0..9`` in turn, ``perm = rng.permutation(indices of digit c)`` (in
    ``load_digits`` order); the first ``floor(3 * n_c / 10)`` of ``perm`` are
    test, the rest train. With ``seed=0`` that is 535 test images
    (53/54/53/54/54/54/54/53/52/54 for digits 0..9) and 1262 train images
    (125/128/124/129/127/128/127/126/122/126). The samples are listed class
    by class, each in ``perm`` order. The split never depends on
    ``classes`` or ``num_per_class``. Images: see :func:`digit_to_rgb`.

    Args:
        data_root (str): Ignored (the data ships with scikit-learn); accepted
            because configs pass one. Defaults to ''.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        num_per_class (int, optional): Keep only the first ``k`` train images
            of each kept digit in ``perm`` order. Only for ``split='train'``;
            ``k`` may not exceed the smallest class (122 for digit 8).
            Defaults to None (all).
        classes (Sequence[int], optional): Keep only these digits, relabelled
            ``0..len(classes)-1`` in the given order, e.g. ``(5, 6, 7, 8, 9)``.
            Class names are the digits as strings. Defaults to None (0..9).
        seed (int): Seed of the split. Defaults to 0.
        metainfo (dict, optional): Overrides the meta information (the
            ``classes`` names). Defaults to None.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.BaseDataset`.
            ``serialize_data`` defaults to False here: the set is tiny, and
            mmengine's serialisation costs a 0.4 s ``gc.collect`` per dataset,
            which adds up over the demo's many short runs.
    """

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 num_per_class: Optional[int] = None,
                 classes: Optional[Sequence[int]] = None,
                 seed: int = 0,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        if split not in ('train', 'test'):
            raise ConfigError(f"Digits: split must be 'train' or 'test', "
                              f'got {split!r}')
        if num_per_class is not None and (split != 'train'
                                          or int(num_per_class) < 1):
            raise ConfigError("Digits: num_per_class needs split='train' and "
                              f'a positive int, got {num_per_class!r} with '
                              f'split={split!r}')
        digits = tuple(range(10)) if classes is None else tuple(
            int(c) for c in classes)
        valid = set(digits) <= set(range(10))
        if not digits or len(set(digits)) != len(digits) or not valid:
            raise ConfigError('Digits: classes must be distinct digits in '
                              f'0..9, got {classes!r}')
        self.split = split
        self.num_per_class = num_per_class
        self.digits = digits
        self.seed = seed
        metainfo = {
            'classes': tuple(str(d) for d in digits),
            **(metainfo or {})
        }
        kwargs.setdefault('serialize_data', False)
        super().__init__(
            ann_file='', metainfo=metainfo, data_root=data_root, **kwargs)

    def split_indices(self) -> Dict[int, np.ndarray]:
        """Indices into ``load_digits()`` of this split, per kept digit.

        Returns:
            dict[int, np.ndarray]: ``{digit: indices}`` in ``perm`` order,
            truncated to ``num_per_class``.
        """
        target = _load_digits()[1]
        rng = np.random.RandomState(self.seed)
        out = {}
        for c in range(10):
            perm = rng.permutation(np.flatnonzero(target == c))
            n_test = len(perm) * TEST_FRACTION[0] // TEST_FRACTION[1]
            out[c] = perm[:n_test] if self.split == 'test' else perm[n_test:]
        k = self.num_per_class
        if k is not None:
            short = {c: len(out[c]) for c in self.digits if len(out[c]) < k}
            if short:
                raise ConfigError(f'Digits: num_per_class={k} exceeds the '
                                  f'train images of digits {short}')
        return {c: out[c][:k] for c in self.digits}

    def load_data_list(self) -> List[Dict[str, Any]]:
        """Build the samples of the split.

        Returns:
            list[dict]: ``dict(img=32x32x3 uint8, gt_label=int,
            record=int)`` each, ``record`` being the image's index in
            ``load_digits()``.
        """
        images = _load_digits()[0]
        return [
            dict(img=digit_to_rgb(images[i]), gt_label=label, record=int(i))
            for label, idx in enumerate(self.split_indices().values())
            for i in idx
        ]

    def source_text(self) -> str:
        """The split and the kept digits, for messages."""
        return f'split={self.split!r} of digits {self.digits}'

    def record_spec(self) -> Tuple[Tuple[int, ...], int, bool]:
        """Every record is a 32 x 32 x 3 uint8 image of a kept digit."""
        return (32, 32, 3), len(self.digits), False

    def record_origin(self, info: Dict[str, Any]) -> str:
        """``'load_digits() image <i>'``."""
        return f'sklearn.datasets.load_digits() image {info["record"]}'

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [
            f'Split: \t{self.split}', f'Digits: \t{self.digits}',
            f'Num per class: \t{self.num_per_class}', f'Seed: \t{self.seed}'
        ]
