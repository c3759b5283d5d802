"""Write a tiny ``stl10_binary/`` tree in the official STL-10 binary format.

``*_X.bin``: uint8, each image 3 x 96 x 96 with every channel stored
column-major (bytes ordered channel, column, row); ``*_y.bin``: one uint8
label in 1..10 per image; ``class_names.txt``: one name a line;
``fold_indices.txt``: 10 lines of space-separated 0-based train indices.
The writer returns what it wrote as HWC RGB arrays.
"""
import os
import os.path as osp
from typing import Sequence

import numpy as np

from .cifar import random_images

STL10_CLASSES = ('airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse',
                 'monkey', 'ship', 'truck')


def _write_images(imgs: np.ndarray, path: str) -> None:
    """N x H x W x C to the official N x C x W x H byte order."""
    np.ascontiguousarray(imgs.transpose(0, 3, 2, 1)).tofile(path)


def write_stl10(
    root: str,
    num_train: int = 6,
    num_test: int = 4,
    num_unlabeled: int = 3,
    fold_size: int = 2,
    seed: int = 0,
    splits: Sequence[str] = ('train', 'test', 'unlabeled')) -> dict:
    """Write ``root/stl10_binary/`` with random 96 x 96 images.

    Args:
        root (str): The ``data_root`` of the dataset.
        num_train (int): Images in ``train_X.bin``.
        num_test (int): Images in ``test_X.bin``.
        num_unlabeled (int): Images in ``unlabeled_X.bin``.
        fold_size (int): Indices on each line of ``fold_indices.txt``.
        seed (int): Seed of the images, labels and folds.
        splits (Sequence[str]): The splits whose files are written.

    Returns:
        dict: ``{split}_imgs`` (N x 96 x 96 x 3 uint8 RGB, the first one
        asymmetric), ``train_labels``/``test_labels`` (0..9), ``folds``
        (list of 10 index arrays), ``classes`` and ``folder``.
    """
    rng = np.random.RandomState(seed)
    folder = osp.join(root, 'stl10_binary')
    os.makedirs(folder, exist_ok=True)
    out = dict(classes=STL10_CLASSES, folder=folder)
    sizes = dict(train=num_train, test=num_test, unlabeled=num_unlabeled)
    for split in splits:
        imgs = random_images(sizes[split], rng, size=96)
        _write_images(imgs, osp.join(folder, f'{split}_X.bin'))
        out[f'{split}_imgs'] = imgs
        if split != 'unlabeled':
            labels = rng.randint(0, 10, sizes[split])
            (labels + 1).astype(np.uint8).tofile(
                osp.join(folder, f'{split}_y.bin'))
            out[f'{split}_labels'] = labels
    with open(osp.join(folder, 'class_names.txt'), 'w') as f:
        f.write('\n'.join(STL10_CLASSES) + '\n')
    out['folds'] = [
        rng.choice(num_train, fold_size, replace=False) for _ in range(10)
    ]
    with open(osp.join(folder, 'fold_indices.txt'), 'w') as f:
        for fold in out['folds']:
            f.write(' '.join(str(i) for i in fold) + ' \n')
    return out
