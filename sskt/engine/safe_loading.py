"""Let ``torch.load(weights_only=True)`` read mmengine checkpoints.

Since torch 2.6, ``torch.load`` refuses every global that is not on an
allow-list, and mmengine 0.10.7 checkpoints hold a few: the message hub's
``HistoryBuffer`` objects and the numpy arrays and scalars inside them. We add
exactly those — never a blanket ``weights_only=False``, which would let a
crafted checkpoint run arbitrary code.

``HistoryBuffer`` pickles its statistics methods as
``getattr(HistoryBuffer, 'min')``. Allow-listing the real ``builtins.getattr``
would let a crafted file reach any attribute of any allowed object, so a
restricted function is registered under that name instead: it resolves public
attributes of ``HistoryBuffer`` and refuses everything else.

:func:`read_checkpoint` is the one way sskt reads a checkpoint: a missing,
damaged or refused file is one paragraph that names it (and, for a refused
file, the global it asked for). :func:`register_checkpoint_loaders` makes
mmengine's own loading (``--resume``, ``load_from``, ``Pretrained``) use it.
"""
import os.path as osp
import pickle
import re
from typing import Any, List, Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from mmengine.runner.checkpoint import \
    load_from_local as mmengine_load_from_local

from sskt.utils.errors import (ConfigError, MalformedFileError,
                               MissingFileError, RefusedCheckpointError)

#: numpy dtype classes a checkpoint may carry: float64/int64 come from
#: HistoryBuffer; the others appear when a hook logs other numpy scalars.
_NUMPY_DTYPE_CLASSES = [
    np.dtypes.Float16DType, np.dtypes.Float32DType, np.dtypes.Float64DType,
    np.dtypes.Int8DType, np.dtypes.Int16DType, np.dtypes.Int32DType,
    np.dtypes.Int64DType, np.dtypes.UInt8DType, np.dtypes.UInt16DType,
    np.dtypes.UInt32DType, np.dtypes.UInt64DType, np.dtypes.BoolDType
]


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """Stand-in for ``builtins.getattr`` inside checkpoints.

    Args:
        obj: The object whose attribute is looked up; must be the
            ``HistoryBuffer`` class.
        name (str): A public attribute name, e.g. ``'mean'``.

    Returns:
        The attribute ``getattr(HistoryBuffer, name)``.

    Raises:
        pickle.UnpicklingError: For any other object or a private name.
    """
    if obj is HistoryBuffer and not name.startswith('_') and hasattr(
            HistoryBuffer, name):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'This checkpoint asks for getattr({obj!r}, {name!r}); sskt only '
        'allows public attributes of mmengine.logging.HistoryBuffer. If the '
        'file comes from a source you trust and was written by another tool, '
        'convert it to a plain state dict first.')


def safe_globals() -> List[Any]:
    """The allow-list: the globals an mmengine checkpoint may contain.

    Returns:
        list: Entries for :func:`torch.serialization.add_safe_globals`.
    """
    return [
        HistoryBuffer,
        np._core.multiarray._reconstruct,
        np._core.multiarray.scalar,
        np.ndarray,
        np.dtype,
        *_NUMPY_DTYPE_CLASSES,
        (history_buffer_getattr, 'builtins.getattr'),
    ]


def register_safe_globals() -> None:
    """Add :func:`safe_globals` to torch's ``weights_only`` allow-list."""
    torch.serialization.add_safe_globals(safe_globals())


#: What every refusal says after naming the file and the global.
_REFUSAL_ADVICE = (
    'A file like this can run code when it is loaded with '
    'torch.load(weights_only=False); sskt never loads a file that way. If '
    'you made the file yourself with a tool you trust, load it there and '
    're-save only its weights: torch.save(model.state_dict(), path).')

#: How torch's ``weights_only`` unpickler names what it refused: a global
#: (``GLOBAL posix.system``), or, for objects built from allowed globals, the
#: class or function (``but got <class 'x.Y'>``, ``unrecognized function f``).
_REFUSED = (re.compile(r'GLOBAL ([\w.]+)'),
            re.compile(r"but got <class '([\w.]+)'>"),
            re.compile(r'unrecognized function (.+?)(?: which belongs|$)',
                       re.M))

#: What :func:`history_buffer_getattr` refused, inside torch's message.
_REFUSED_GETATTR = re.compile(r'This checkpoint asks for (getattr\(.*?\));')

#: Lines of torch's ``weights_only`` message that are its advice, not the
#: error (the first one says to retry with ``weights_only=False``).
_TORCH_ADVICE = ('Weights only load failed', 'Please file an issue',
                 'Check the documentation', '(1)', '(2)')


def refused_global(error: Exception) -> Optional[str]:
    """The global a ``weights_only`` load refused, as torch names it.

    Args:
        error (Exception): The ``pickle.UnpicklingError`` torch raised.

    Returns:
        str | None: e.g. ``'posix.system'`` (or ``"getattr(<class ...>,
        '__init__')"`` for sskt's restricted ``getattr``); None when the
        error refuses no global, i.e. the file is damaged or not a torch
        checkpoint (``Unsupported operand``, a truncated stream).
    """
    text = str(error)
    match = _REFUSED_GETATTR.search(text)  # torch puts its advice first
    if match:
        return match.group(1)
    for pattern in _REFUSED:
        match = pattern.search(text)
        if match:
            return match.group(1).rstrip('.')
    return None


def error_detail(error: Exception) -> str:
    """What went wrong in a failed load, without torch's advice.

    Args:
        error (Exception): What :func:`torch.load` raised.

    Returns:
        str: e.g. ``'UnpicklingError: Unsupported operand 110'``; never the
        advice to load with ``weights_only=False``.
    """
    lines = [line.strip() for line in str(error).splitlines()]
    if lines and lines[0].startswith('Weights only load failed'):
        lines = [
            line.split('WeightsUnpickler error:')[-1].strip() for line in lines
            if not line.startswith(_TORCH_ADVICE)
        ]
    lines = [line for line in lines if line]
    detail = lines[0].split('. ')[0].rstrip('.') if lines else ''
    name = type(error).__name__
    return f'{name}: {detail}' if detail else name


#: What a message about a training checkpoint suggests instead.
TRAINED_CHECKPOINT_HINT = ('Pass a checkpoint that tools/train.py wrote, e.g. '
                           'work_dirs/<config>/epoch_N.pth')


def read_checkpoint(path: str,
                    what: str = 'Checkpoint',
                    hint: str = '',
                    map_location: Any = 'cpu',
                    mmap: bool = False) -> Any:
    """Read a local checkpoint safely, or raise one paragraph about it.

    Every sskt entry point (``--resume``, ``load_from``, ``tools/test.py``,
    sources, KD teachers, ``init_cfg`` and the tools) reads files through
    this function, so a bad file gets the same message everywhere. It is
    mmengine's ``CheckpointLoader`` for local files (the ``''`` scheme,
    :func:`register_checkpoint_loaders`), called directly so that the
    message names the file as the caller does; a path that mmengine would
    download is refused first (:func:`is_remote`).

    Args:
        path (str): The file.
        what (str): How the message names it, e.g. ``'Source checkpoint'``.
            Defaults to ``'Checkpoint'``.
        hint (str): What to do about a missing or unreadable file, one
            sentence. Defaults to ''.
        map_location: As for :func:`torch.load`. Defaults to ``'cpu'``.
        mmap (bool): Map the tensors' storage instead of reading it, as
            :func:`torch.load` does with ``mmap=True``: enough to check that
            a checkpoint is whole and safe without reading its weights.
            Defaults to False.

    Returns:
        The loaded object, read with ``torch.load(weights_only=True)`` and
        the allow-list of :func:`safe_globals`.

    Raises:
        ConfigError: ``path`` is a URL or model-zoo name.
        MissingFileError: ``path`` is not a file.
        RefusedCheckpointError: The file asks for a global outside the
            allow-list (it may be a crafted file that runs code).
        MalformedFileError: The file is damaged (truncated, empty) or is not
            a torch checkpoint.
    """
    if is_remote(path):
        raise download_refusal(path, what)
    hint = f' {hint.rstrip(".")}.' if hint else ''
    if not osp.isfile(path):
        problem = 'is not a file' if osp.exists(path) else 'does not exist'
        raise MissingFileError(f'{what} {path} {problem}.{hint}')
    try:
        return torch.load(
            path, map_location=map_location, weights_only=True, mmap=mmap)
    except Exception as error:  # noqa: B902  a refused or damaged file
        refused = (
            refused_global(error)
            if isinstance(error, pickle.UnpicklingError) else None)
        if refused is not None:
            raise RefusedCheckpointError(
                f'{what} {path} was refused: it asks to unpickle {refused}, '
                'which no checkpoint of weights needs. ' +
                _REFUSAL_ADVICE) from None
        raise MalformedFileError(
            f'{what} {path} cannot be read ({osp.getsize(path)} bytes; '
            f'{error_detail(error)}): it is damaged, e.g. truncated by a '
            'kill or a full disk, or it is not a torch '
            f'checkpoint.{hint}') from None


def load_from_local(filename: str, map_location: Any = None) -> Any:
    """mmengine's loader for local paths, made safe.

    :func:`register_checkpoint_loaders` puts it in mmengine's
    ``CheckpointLoader``.

    Args:
        filename (str): The checkpoint path.
        map_location: As for :func:`torch.load`.

    Returns:
        The loaded checkpoint.
    """
    return read_checkpoint(
        osp.expanduser(filename),
        hint=TRAINED_CHECKPOINT_HINT,
        map_location=map_location)


#: mmengine's remote schemes: each downloads (``torchvision://`` and the
#: model-zoo names through ``load_from_http``, which the ``http://`` entry
#: does not intercept) or reads a cloud store.
REMOTE_SCHEMES = ('http://', 'https://', 'torchvision://', 'modelzoo://',
                  'open-mmlab://', 'openmmlab://', 'mmcls://', 'pavi://',
                  r'(\S+\:)?s3://', r'(\S+\:)?petrel://')


def download_refusal(filename: str, what: str = 'Checkpoint') -> ConfigError:
    """The one paragraph that refuses a URL or a model-zoo name.

    Args:
        filename (str): The URL or model-zoo name, e.g.
            ``'https://download.openmmlab.com/x.pth'``.
        what (str): How the message names it. Defaults to ``'Checkpoint'``.

    Returns:
        ConfigError: The error to raise, naming ``filename``.
    """
    kind = 'a URL' if filename.startswith(('http://', 'https://')) else \
        'a remote file'
    return ConfigError(
        f'{what} {filename} is {kind}; sskt never downloads. Download '
        'the file yourself and give its local path (docs/dataset_prepare.md, '
        '"Weights").')


def refuse_download(filename: str, *args, **kwargs) -> Any:
    """mmengine's loader for remote files, replaced: sskt never downloads.

    Args:
        filename (str): The URL or model-zoo name.

    Raises:
        ConfigError: Always, naming ``filename``.
    """
    raise download_refusal(filename)


def is_remote(path: str) -> bool:
    """Whether mmengine's ``CheckpointLoader`` would fetch ``path``.

    mmengine picks a loader by the path's scheme (``https://``,
    ``torchvision://``, ``open-mmlab://``, ``s3://``, ... and whatever a
    package registers); only the ``''`` scheme reads a local file.

    Args:
        path (str): A checkpoint path or URL.

    Returns:
        bool: True unless mmengine would read ``path`` as a local file.
    """
    loader = CheckpointLoader._get_checkpoint_loader(path)
    return loader not in (load_from_local, mmengine_load_from_local)


def register_checkpoint_loaders() -> None:
    """Route mmengine's checkpoint loading through :func:`read_checkpoint`.

    mmengine reads ``--resume``, ``load_from`` and ``init_cfg=dict(
    type='Pretrained')`` through ``CheckpointLoader``; its local loader
    (prefix ``''``) is replaced, so those entry points refuse a bad file
    with sskt's paragraph, and its remote loaders (:data:`REMOTE_SCHEMES`)
    refuse to download.
    """
    CheckpointLoader.register_scheme('', load_from_local, force=True)
    CheckpointLoader.register_scheme(
        list(REMOTE_SCHEMES), refuse_download, force=True)
