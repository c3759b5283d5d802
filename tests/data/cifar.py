"""Write tiny CIFAR-10/100 trees in the official "python version" format.

The pickles have the official byte-string keys (``b'data'`` N x 3072 uint8,
1024 R then 1024 G then 1024 B values per row, each plane row-major;
``b'labels'`` or ``b'fine_labels'``/``b'coarse_labels'``; ``b'batch_label'``;
``b'filenames'``) and are written with pickle protocol 2, as the originals.
The writers return what they wrote as HWC RGB arrays so that tests can compare
a dataset's samples pixel for pixel.
"""
import os
import os.path as osp
import pickle
from typing import Dict, List

import numpy as np
from mmpretrain.datasets.categories import (CIFAR10_CATEGORIES,
                                            CIFAR100_CATEGORIES)

CIFAR100_COARSE = ('aquatic_mammals', 'fish', 'flowers', 'food_containers',
                   'fruit_and_vegetables', 'household_electrical_devices',
                   'household_furniture', 'insects', 'large_carnivores',
                   'large_man-made_outdoor_things',
                   'large_natural_outdoor_scenes',
                   'large_omnivores_and_herbivores', 'medium_mammals',
                   'non-insect_invertebrates', 'people', 'reptiles',
                   'small_mammals', 'trees', 'vehicles_1', 'vehicles_2')


def asymmetric_image(size: int = 32) -> np.ndarray:
    """An HWC uint8 image with R = 8 * row, G = 8 * col, B = 255.

    Reading it back transposed (H and W swapped) or with the channels in
    another order changes it, which a random image might not show clearly.
    """
    rows, cols = np.mgrid[:size, :size]
    return np.stack([rows * 8 % 256, cols * 8 % 256,
                     np.full_like(rows, 255)],
                    axis=2).astype(np.uint8)


def random_images(num: int,
                  rng: np.random.RandomState,
                  size: int = 32) -> np.ndarray:
    """``num`` random HWC uint8 images, the first :func:`asymmetric_image`."""
    imgs = rng.randint(0, 256, (num, size, size, 3)).astype(np.uint8)
    if num:
        imgs[0] = asymmetric_image(size)
    return imgs


def _to_rows(imgs: np.ndarray) -> np.ndarray:
    """N x 32 x 32 x 3 (HWC) to the official N x 3072 (CHW, row-major)."""
    return np.ascontiguousarray(imgs.transpose(0, 3, 1,
                                               2)).reshape(len(imgs), -1)


def _dump(obj: dict, path: str) -> None:
    with open(path, 'wb') as f:
        pickle.dump(obj, f, protocol=2)


def _batch(label: str, imgs: np.ndarray, labels: Dict[bytes, List[int]],
           prefix: str) -> dict:
    names = [f'{prefix}_{i}.png'.encode() for i in range(len(imgs))]
    return {
        b'batch_label': label.encode(),
        **labels, b'data': _to_rows(imgs),
        b'filenames': names
    }


def write_cifar10(root: str,
                  num_train_per_batch: int = 3,
                  num_test: int = 4,
                  seed: int = 0) -> dict:
    """Write ``root/cifar-10-batches-py/`` with 5 train batches and a test one.

    Args:
        root (str): The ``data_root`` of the dataset.
        num_train_per_batch (int): Images in each ``data_batch_i``.
        num_test (int): Images in ``test_batch``.
        seed (int): Seed of the random images and labels.

    Returns:
        dict: ``train_imgs``/``test_imgs`` (N x 32 x 32 x 3 uint8 RGB, train
        in batch order), ``train_labels``/``test_labels`` (int arrays),
        ``classes`` (tuple of names) and ``folder`` (the folder written).
    """
    rng = np.random.RandomState(seed)
    folder = osp.join(root, 'cifar-10-batches-py')
    os.makedirs(folder, exist_ok=True)
    out = dict(classes=tuple(CIFAR10_CATEGORIES), folder=folder)
    train_imgs, train_labels = [], []
    for b in range(1, 6):
        imgs = random_images(num_train_per_batch, rng)
        labels = rng.randint(0, 10, num_train_per_batch)
        _dump(
            _batch(f'training batch {b} of 5', imgs,
                   {b'labels': labels.tolist()}, f'train{b}'),
            osp.join(folder, f'data_batch_{b}'))
        train_imgs.append(imgs)
        train_labels.append(labels)
    out['train_imgs'] = np.concatenate(train_imgs)
    out['train_labels'] = np.concatenate(train_labels)
    out['test_imgs'] = random_images(num_test, rng)
    out['test_labels'] = rng.randint(0, 10, num_test)
    _dump(
        _batch('testing batch 1 of 1', out['test_imgs'],
               {b'labels': out['test_labels'].tolist()}, 'test'),
        osp.join(folder, 'test_batch'))
    _dump(
        {
            b'num_cases_per_batch': num_train_per_batch,
            b'label_names': [n.encode() for n in CIFAR10_CATEGORIES],
            b'num_vis': 3072
        }, osp.join(folder, 'batches.meta'))
    return out


def write_cifar100(root: str,
                   num_train: int = 6,
                   num_test: int = 4,
                   seed: int = 0) -> dict:
    """Write ``root/cifar-100-python/{train,test,meta}``.

    Args:
        root (str): The ``data_root`` of the dataset.
        num_train (int): Images in ``train``.
        num_test (int): Images in ``test``.
        seed (int): Seed of the random images and labels.

    Returns:
        dict: ``train_imgs``/``test_imgs`` (N x 32 x 32 x 3 uint8 RGB),
        ``train_labels``/``test_labels`` (fine labels), ``classes`` (fine
        names) and ``folder``.
    """
    rng = np.random.RandomState(seed)
    folder = osp.join(root, 'cifar-100-python')
    os.makedirs(folder, exist_ok=True)
    out = dict(classes=tuple(CIFAR100_CATEGORIES), folder=folder)
    for split, num in (('train', num_train), ('test', num_test)):
        imgs = random_images(num, rng)
        fine = rng.randint(0, 100, num)
        labels = {
            b'fine_labels': fine.tolist(),
            b'coarse_labels': rng.randint(0, 20, num).tolist()
        }
        kind = 'training' if split == 'train' else 'testing'
        _dump(
            _batch(f'{kind} batch 1 of 1', imgs, labels, split),
            osp.join(folder, split))
        out[f'{split}_imgs'], out[f'{split}_labels'] = imgs, fine
    _dump(
        {
            b'fine_label_names': [n.encode() for n in CIFAR100_CATEGORIES],
            b'coarse_label_names': [n.encode() for n in CIFAR100_COARSE]
        }, osp.join(folder, 'meta'))
    return out
