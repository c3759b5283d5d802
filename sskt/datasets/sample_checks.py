"""Checks of one sample's files or record, shared by the guard and the tool.

A sample is bad when a file it reads is missing, unreadable, not decodable by
OpenCV (what mmcv's ``LoadImageFromFile`` and mmaction's ``RawFrameDecode``
use) or truncated (PIL, with truncated-image loading off, runs out of data
before the image ends; some OpenCV builds decode such a JPEG partially and
silently), or when an in-memory record (CIFAR, STL-10, digits) has the wrong
shape, dtype or label. Each check returns the problem as a predicate of the
path (``'does not exist'``, ``'is truncated ...'``) or None when all is well.
:class:`~sskt.datasets.dataset_guards.SampleGuardMixin` runs them when loading
a sample fails; ``tools/misc/verify_dataset.py`` runs them on every sample.
"""
import io
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from PIL import Image, ImageFile

#: A bad file or record: ``(path or record, problem)``.
Problem = Tuple[str, str]


def image_file_problem(path: str) -> Optional[str]:
    """What is wrong with the image file ``path``, if anything.

    Args:
        path (str): An image (a JPEG, PNG, ... as the pipeline reads it).

    Returns:
        str | None: E.g. ``'does not exist'``, ``'is empty (0 bytes)'``,
        ``'cannot be decoded by OpenCV (500 bytes, not an image format it
        reads)'``, ``'is truncated or corrupt: PIL reports "image file is
        truncated"'`` (a file OpenCV decodes but PIL finds cut short); None
        when OpenCV decodes it and PIL finds nothing wrong.
    """
    if not osp.exists(path):
        return 'does not exist'
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as error:
        return f'cannot be read ({type(error).__name__}: {error.strerror})'
    if not data:
        return 'is empty (0 bytes)'
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    damage = _pil_problem(data)
    if img is None:
        return (f'cannot be decoded by OpenCV ({len(data)} bytes, ' +
                (damage or 'not an image format it reads') + ')')
    return f'is {damage}' if damage else None


def _pil_problem(data: bytes) -> Optional[str]:
    """The truncation or corruption PIL finds in an image's bytes, if any."""
    allow = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
    except (Image.UnidentifiedImageError, Image.DecompressionBombError):
        return None  # not an image PIL reads; OpenCV's verdict stands
    except (OSError, SyntaxError, ValueError) as error:
        return f'truncated or corrupt: PIL reports "{error}"'
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = allow
    return None


def files_problems(paths: Sequence[str]) -> List[Problem]:
    """The problems of the image files ``paths``, in order.

    Args:
        paths (Sequence[str]): Image files, e.g. the frames of a video.

    Returns:
        list[tuple[str, str]]: ``(path, problem)`` of each bad file; only
        ``(folder, 'does not exist')`` when several files share a folder
        that does not exist.
    """
    folders = {osp.dirname(path) for path in paths}
    if len(paths) > 1 and len(folders) == 1:
        folder = folders.pop()
        if folder and not osp.isdir(folder):
            return [(folder, 'does not exist')]
    found = ((path, image_file_problem(path)) for path in paths)
    return [(path, problem) for path, problem in found if problem]


def info_files(info: Dict[str, Any]) -> List[str]:
    """The image files a data info makes the pipeline read.

    ``img_path`` (mmpretrain/mmcv image datasets) or, for mmaction rawframe
    infos (``frame_dir``, ``total_frames``, ``filename_tmpl``,
    ``start_index``, optional ``offset``, ``modality``), every frame of the
    video: ``frame_dir/filename_tmpl.format(start_index + offset + i)``, and
    both the ``'x'`` and ``'y'`` frames for ``modality='Flow'``.

    Args:
        info (dict): A data info from ``dataset.get_data_info(idx)``.

    Returns:
        list[str]: The files; empty for in-memory records.
    """
    if info.get('img_path'):
        return [info['img_path']]
    if 'frame_dir' not in info or 'total_frames' not in info:
        return []
    tmpl = info.get('filename_tmpl', 'img_{:05}.jpg')
    first = info.get('start_index', 1) + info.get('offset', 0)
    indices = range(first, first + info['total_frames'])
    if info.get('modality', 'RGB') == 'Flow':
        names = [tmpl.format(d, k) for k in indices for d in ('x', 'y')]
    else:
        names = [tmpl.format(k) for k in indices]
    return [osp.join(info['frame_dir'], name) for name in names]


def record_problem(info: Dict[str, Any],
                   shape: Sequence[int],
                   num_classes: int,
                   unlabelled: bool = False) -> Optional[str]:
    """What is wrong with an in-memory record, if anything.

    Args:
        info (dict): A data info with ``img`` and ``gt_label``.
        shape (Sequence[int]): The expected ``img`` shape, e.g.
            ``(32, 32, 3)``.
        num_classes (int): Labels must be in ``0..num_classes - 1``.
        unlabelled (bool): Labels must be -1 instead (STL-10's unlabelled
            split). Defaults to False.

    Returns:
        str | None: E.g. ``'has img of shape (31, 32, 3), expected
        (32, 32, 3) uint8'``, ``'has gt_label 10, expected 0..9'``.
    """
    img, label = info.get('img'), info.get('gt_label')
    expected = f'{tuple(shape)} uint8'
    if not isinstance(img, np.ndarray):
        return f'has img of type {type(img).__name__}, expected {expected}'
    if img.shape != tuple(shape) or img.dtype != np.uint8:
        return (f'has img of shape {img.shape} and dtype {img.dtype}, '
                f'expected {expected}')
    valid = '-1' if unlabelled else f'an int in 0..{num_classes - 1}'
    if isinstance(label, (np.integer, int)) and not isinstance(label, bool):
        if (int(label) == -1) if unlabelled else 0 <= label < num_classes:
            return None
    return f'has gt_label {label!r}, expected {valid}'
