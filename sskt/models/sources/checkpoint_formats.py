"""Readers for the files a source network comes with: weights and class names.

A source checkpoint is one of three layouts, told apart by its top-level keys:

- ``'torchvision'``: a flat dict of tensors, ``torch.save(model.state_dict())``
  (e.g. ``resnet50-0676ba61.pth``).
- ``'csail'``: the CSAIL Places365 ``*.pth.tar``, ``{'epoch', 'arch',
  'state_dict', 'best_prec1'}`` with keys prefixed ``module.``.
- ``'mmengine'``: ``{'meta', 'state_dict', ...}`` as written by mmengine's
  ``CheckpointHook``; its keys carry the prefix of the sub-module the network
  was (e.g. ``net.``), chosen with ``prefix``.

Every layout is read with :func:`sskt.engine.safe_loading.read_checkpoint`,
mmengine's local checkpoint loader made safe
(``torch.load(weights_only=True)``; a file that asks to unpickle anything
else gets the refusal paragraph every entry point gives; a URL or model-zoo
name is refused, never downloaded), and normalised to a flat state dict
whose keys match ``torchvision.models.<arch>()``, with mmengine's default
``revise_keys`` (``module.`` stripped) and its ``prefix`` selection. What
sskt adds to mmengine's ``load_checkpoint`` is strictness: a file that does
not fit the network is a key-by-key report (:func:`describe_mismatch`), not
a warning.
Nothing here builds a network or downloads a file.
"""
import os.path as osp
import re
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

import torch
from torch import Tensor

from sskt.engine.safe_loading import (download_refusal, is_remote,
                                      read_checkpoint)
from sskt.utils.errors import MalformedFileError, MissingFileError

StateDict = Mapping[str, Tensor]
WEIGHTS_DOC = 'docs/dataset_prepare.md ("Weights" section)'

#: mmengine's default ``revise_keys`` of ``load_checkpoint``: the prefix
#: DataParallel adds.
REVISE_KEYS = [(r'^module\.', '')]

#: CSAIL's ``categories_places365.txt`` line: ``/a/airfield 0``.
_CSAIL_CATEGORY = re.compile(r'^/[a-z]/(\S+)\s+(\d+)$')


def _require_file(path: str, what: str) -> None:
    """Raise unless ``path`` is a local file.

    Args:
        path (str): The file a config points to.
        what (str): How messages name it, e.g. ``'Source checkpoint'``.

    Raises:
        ConfigError: ``path`` is a URL or model-zoo name.
        MissingFileError: ``path`` does not exist.
        MalformedFileError: ``path`` is a folder.
    """
    if is_remote(path):
        raise download_refusal(path, what)
    if osp.isfile(path):
        return
    if osp.exists(path):
        raise MalformedFileError(
            f'{what} {path!r} is not a file. Point the config to the file '
            f'itself (see {WEIGHTS_DOC}).')
    raise MissingFileError(
        f'{what} {path!r} does not exist. Put the file there or change '
        f'the path in the config; sskt never downloads weights (see '
        f'{WEIGHTS_DOC}).')


def detect_checkpoint_format(obj: Any) -> str:
    """Tell which layout a loaded checkpoint object has.

    Args:
        obj: What ``torch.load`` returned.

    Returns:
        str: ``'torchvision'``, ``'csail'`` or ``'mmengine'``; ``''`` when
        the object is none of them.
    """
    if not isinstance(obj, Mapping) or len(obj) == 0:
        return ''
    if 'state_dict' in obj and isinstance(obj['state_dict'], Mapping):
        return 'mmengine' if 'meta' in obj else 'csail'
    if all(isinstance(v, Tensor) for v in obj.values()):
        return 'torchvision'
    return ''


def top_level_prefixes(keys: Sequence[str], limit: int = 8) -> List[str]:
    """List the distinct first components (``'net.'``, ...) of ``keys``.

    Args:
        keys (Sequence[str]): State-dict keys.
        limit (int): How many prefixes to return at most. Defaults to 8.

    Returns:
        list[str]: Prefixes with their trailing dot, in order of appearance.
    """
    seen: Dict[str, None] = OrderedDict()
    for key in keys:
        if '.' in key:
            seen.setdefault(key.split('.', 1)[0] + '.', None)
    return list(seen)[:limit]


def extract_state_dict(obj: Any,
                       path: str,
                       prefix: Optional[str] = None) -> Dict[str, Tensor]:
    """Normalise a loaded checkpoint object to a flat state dict.

    :data:`REVISE_KEYS` are applied (a leading ``module.`` is stripped, as
    mmengine's ``load_checkpoint`` does); then, if ``prefix`` is given, only
    the keys that start with it are kept, without it (as mmengine's
    ``_load_checkpoint_with_prefix``, with a message instead of an assert).

    Args:
        obj: What ``torch.load`` returned for ``path``.
        path (str): The file, used in error messages.
        prefix (str, optional): Sub-module prefix to select, e.g. ``'net.'``
            (a missing trailing dot is added). Defaults to None.

    Returns:
        dict[str, Tensor]: The normalised state dict.
    """
    fmt = detect_checkpoint_format(obj)
    if not fmt:
        found = (f'a dict with keys {list(obj)[:8]}' if isinstance(
            obj, Mapping) else f'a {type(obj).__name__}')
        raise MalformedFileError(
            f'Source checkpoint {path!r} holds {found}, which is not a '
            'torchvision state dict, a CSAIL Places365 .pth.tar or an '
            'mmengine checkpoint. Save the network as '
            f'torch.save(model.state_dict(), path) (see {WEIGHTS_DOC}).')
    raw = obj if fmt == 'torchvision' else obj['state_dict']
    state: Dict[str, Tensor] = OrderedDict()
    for key, value in raw.items():
        if not isinstance(value, Tensor):
            raise MalformedFileError(
                f'Source checkpoint {path!r} ({fmt} layout) has a non-tensor '
                f'entry {key!r} of type {type(value).__name__} in its state '
                'dict. Re-save it with only the tensors of '
                'model.state_dict().')
        key = str(key)
        for pattern, replacement in REVISE_KEYS:
            key = re.sub(pattern, replacement, key)
        state[key] = value
    if not prefix:
        return state
    prefix = prefix if prefix.endswith('.') else prefix + '.'
    selected = OrderedDict(
        (k[len(prefix):], v) for k, v in state.items() if k.startswith(prefix))
    if not selected:
        raise MalformedFileError(
            f'Source checkpoint {path!r} has no key starting with '
            f'checkpoint_prefix={prefix!r}; its keys start with '
            f'{top_level_prefixes(list(state))}. Set checkpoint_prefix to '
            'the one that holds the source network, or to None for a plain '
            'state dict.')
    return selected


def read_source_state_dict(path: str,
                           prefix: Optional[str] = None) -> Dict[str, Tensor]:
    """Read a local source checkpoint in any supported layout.

    Args:
        path (str): The checkpoint file.
        prefix (str, optional): Sub-module prefix to select and strip, e.g.
            ``'net.'`` for an mmengine checkpoint of a model that held the
            network as ``self.net``. Defaults to None.

    Returns:
        dict[str, Tensor]: A flat state dict on the CPU.
    """
    obj = read_checkpoint_file(
        path, 'Source checkpoint',
        'If it is a checkpoint you trust written by another tool, re-save '
        f'it as torch.save(model.state_dict(), path) (see {WEIGHTS_DOC})')
    return extract_state_dict(obj, path, prefix)


def read_checkpoint_file(path: str, what: str, hint: str) -> Any:
    """Read a local checkpoint that a config points to.

    Args:
        path (str): The file.
        what (str): How messages name it, e.g. ``'Source checkpoint'``.
        hint (str): What to do about a file that cannot be read.

    Returns:
        What :func:`read_checkpoint` returns.
    """
    _require_file(path, what)
    return read_checkpoint(path, what=what, hint=hint)


def _key_report(keys: List[str], what: str, shown: int = 5) -> str:
    """Describe a key list as ``'7 missing keys: a, b, ... (2 more)'``."""
    more = f', ... ({len(keys) - shown} more)' if len(keys) > shown else ''
    return f'{len(keys)} {what}: {", ".join(keys[:shown])}{more}'


def describe_mismatch(expected: StateDict, loaded: StateDict) -> str:
    """Compare a checkpoint's state dict with a network's.

    BatchNorm ``num_batches_tracked`` buffers absent from ``loaded`` are not
    reported: checkpoints written before PyTorch 0.4 (the CSAIL Places365
    ones, torchvision's v1 ImageNet weights) lack them.

    Args:
        expected (Mapping[str, Tensor]): ``network.state_dict()``.
        loaded (Mapping[str, Tensor]): The checkpoint's state dict.

    Returns:
        str: ``''`` when they fit, else e.g. ``'2 missing keys: a, b; 1 size
        mismatches: fc.weight: checkpoint (365, 512) vs network (1000,
        512)'``: the first few keys of each kind and their counts.
    """
    missing = [
        k for k in expected
        if k not in loaded and not k.endswith('num_batches_tracked')
    ]
    unexpected = [k for k in loaded if k not in expected]
    mismatched = [
        f'{k}: checkpoint {tuple(v.shape)} vs network '
        f'{tuple(expected[k].shape)}' for k, v in loaded.items()
        if k in expected and v.shape != expected[k].shape
    ]
    kinds = ((missing, 'missing keys'), (unexpected, 'unexpected keys'),
             (mismatched, 'size mismatches'))
    return '; '.join(_key_report(keys, what) for keys, what in kinds if keys)


def load_state_strictly(net: torch.nn.Module, state: StateDict,
                        explain: Callable[[str], str]) -> None:
    """Load ``state`` into ``net`` exactly, or raise a key-by-key report.

    ``num_batches_tracked`` buffers that the file lacks (pre-0.4 files) start
    at 0; everything else must match in name and shape.

    Args:
        net (nn.Module): The network to load into.
        state (Mapping[str, Tensor]): The checkpoint's state dict.
        explain (Callable[[str], str]): Turns :func:`describe_mismatch`'s
            report into the error message (naming the file, what to check).

    Raises:
        MalformedFileError: The state dict does not fit the network.
    """
    expected = net.state_dict()
    problems = describe_mismatch(expected, state)
    if problems:
        raise MalformedFileError(explain(problems))
    state = dict(state)
    for key, value in expected.items():  # pre-0.4 files lack these
        if key.endswith('num_batches_tracked') and key not in state:
            state[key] = torch.zeros_like(value)
    net.load_state_dict(state, strict=True)


def read_class_names(path: str) -> List[str]:
    """Read a class-name file: one name per line, or CSAIL's format.

    CSAIL's ``categories_places365.txt`` lines look like ``/a/airfield 0``
    or ``/a/apartment_building/outdoor 1``; the names are then ``airfield``
    and ``apartment_building/outdoor``, ordered by their index. Any other
    non-empty line is taken whole as a name.

    Args:
        path (str): The text file.

    Returns:
        list[str]: The class names, in class-index order.
    """
    _require_file(path, 'Class-name file')
    with open(path, encoding='utf-8') as f:
        lines = [line.strip() for line in f if line.strip()]
    matches = [_CSAIL_CATEGORY.match(line) for line in lines]
    if not lines or not all(matches):
        return lines
    indexed = sorted((int(m.group(2)), m.group(1)) for m in matches)
    if [i for i, _ in indexed] != list(range(len(indexed))):
        raise MalformedFileError(
            f'Class-name file {path!r} is in CSAIL format but its indices '
            f'are not 0..{len(indexed) - 1}, each once. Use the official '
            'categories_places365.txt or write one name per line.')
    return [name for _, name in indexed]
