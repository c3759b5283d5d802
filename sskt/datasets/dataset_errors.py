"""One-paragraph errors for dataset files that are missing or malformed.

Every sskt dataset reads local files in their official format and never
downloads anything. When a file is absent or does not look like the official
one, the error names the exact path, says what is wrong and points to
``docs/dataset_prepare.md``, e.g.::

    FileNotFoundError: CIFAR10: data/cifar10/cifar-10-batches-py/data_batch_1
    does not exist. Download and extract the official "CIFAR-10 python
    version" so that this file exists (see docs/dataset_prepare.md).
"""
import hashlib
import os.path as osp
from typing import Sequence, Union

from sskt.utils.errors import MalformedFileError, MissingFileError

DOC = 'docs/dataset_prepare.md'


def dataset_file_error(
        path: str,
        problem: str,
        dataset: str,
        hint: str = '') -> Union[MissingFileError, MalformedFileError]:
    """Build (not raise) the error for a missing or malformed dataset file.

    Args:
        path (str): The exact path that was looked at.
        problem (str): What is wrong, as a predicate of the path, e.g.
            ``'does not exist'``, ``'has 1000 bytes, expected a multiple of
            27648'``, ``"has no key b'labels'"``, ``'has md5 x, expected y'``.
        dataset (str): The dataset's name, e.g. ``'CIFAR10'``.
        hint (str): How to prepare the file, one sentence. Defaults to ''.

    Returns:
        MissingFileError | MalformedFileError: ``MissingFileError`` (a
        ``FileNotFoundError``) when ``path`` does not exist,
        ``MalformedFileError`` (a ``ValueError``) otherwise. Use it as
        ``raise dataset_file_error(...)``.
    """
    parts = [f'{dataset}: {path} {problem}.']
    if hint:
        parts.append(hint.rstrip('.'))
    msg = ' '.join(parts) + f' (see {DOC}).'
    return MalformedFileError(msg) if osp.exists(path) else MissingFileError(
        msg)


def require_file(path: str, dataset: str, hint: str = '') -> str:
    """Return ``path`` if it is a file, else raise :func:`dataset_file_error`.

    Args:
        path (str): The file that must exist.
        dataset (str): The dataset's name, used in the message.
        hint (str): How to prepare the file. Defaults to ''.

    Returns:
        str: ``path`` itself.
    """
    if not osp.isfile(path):
        problem = 'is not a file' if osp.exists(path) else 'does not exist'
        raise dataset_file_error(path, problem, dataset, hint)
    return path


def check_md5(path: str, md5: str, dataset: str, hint: str = '') -> None:
    """Raise :func:`dataset_file_error` if the md5 of ``path`` is not ``md5``.

    Args:
        path (str): An existing file.
        md5 (str): The expected hex digest.
        dataset (str): The dataset's name, used in the message.
        hint (str): How to prepare the file. Defaults to ''.
    """
    digest = hashlib.md5()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    if digest.hexdigest() != md5:
        raise dataset_file_error(
            path, f'has md5 {digest.hexdigest()}, expected {md5} '
            '(bad md5: the file is corrupt or not the official one)', dataset,
            hint)


def listed_records(records: Sequence[int],
                   labels: Sequence[int],
                   shown: int = 10) -> str:
    """Name bad records with their labels, e.g. ``'3 (11), 7 (0) and 2 more'``.

    Args:
        records (Sequence[int]): The bad records' indices, in order.
        labels (Sequence[int]): Every record's label, indexed by record.
        shown (int): How many are named; the rest are counted. Defaults to
            10.

    Returns:
        str: The records and their labels, for a ``problem`` text.
    """
    listed = ', '.join(f'{i} ({labels[i]})' for i in records[:shown])
    more = len(records) - shown
    return listed + (f' and {more} more' if more > 0 else '')
