"""Every config builds the model, optimizer and schedule it built at 8469731.

``tests/data/config_snapshots_8469731.json`` holds the merged ``model``,
``optim_wrapper`` and ``param_scheduler`` of every config of main at commit
8469731, written before the config refactor of issue 12 and never
regenerated. A config may differ from it only at the dotted keys listed in
:data:`EXPECTED_DIFFERENCES`, each with its reason; an entry that no longer
differs fails too, so that the table stays honest.
"""
import json
import os.path as osp
from typing import Any, Dict, Iterator, Tuple

import pytest

from tests.data.config_snapshot import config_names, snapshot
from tests.helpers import REPO

SNAPSHOTS = osp.join(REPO, 'tests', 'data', 'config_snapshots_8469731.json')
CONFIGS = config_names(osp.join(REPO, 'configs'))

_GPU_SWITCHES = 'GPU switches moved out of the SSKT class (item 3)'
_DML_TARGET = ('DML on BaseDistiller: peer 0 is model.target, with its own '
               'optimizer wrapper (items 2 and 5)')
_DML_ROWS = sorted(
    osp.splitext(osp.basename(name))[0] for name in CONFIGS
    if name.startswith('baselines/dml/'))

#: ``{config name: {dotted key: reason}}``: the only allowed differences.
EXPECTED_DIFFERENCES: Dict[str, Dict[str, str]] = {
    'sskt/r20_stl10_pi_faithful.py': {
        'model.target.head.init_cfg.type':
        "faithful init: Kaiming on the fc weight only, the bias at PyTorch's "
        'default (item 6)',
    },
    'sskt/r18_voc_pi_faithful.py': {
        'model.target.head.init_cfg':
        "faithful init: the fc at nn.Linear's default (item 6)",
    },
    'demo/r20_digits04_sskt_linear_cached.py': {
        'model.type':
        'the soft-label cache moved out of the SSKT class (item 3)',
    },
    **{
        f'baselines/dml/{row}.py': {
            'optim_wrapper.target': _DML_TARGET
        }
        for row in _DML_ROWS
    },
    'demo/r20_digits04_dml.py': {
        'optim_wrapper.target': _DML_TARGET
    },
    'sskt/fast/r20_cifar10_pi_fast.py': {
        'model.channels_last': _GPU_SWITCHES,
        'model.batched_log_sync': _GPU_SWITCHES,
    },
    'sskt/fast/r20_stl10_pi_fast.py': {
        'model.channels_last': _GPU_SWITCHES,
        'model.batched_log_sync': _GPU_SWITCHES,
    },
}

_MISSING = '<missing>'


def differences(old: Any,
                new: Any,
                prefix: str = '') -> Iterator[Tuple[str, Any, Any]]:
    """``(dotted key, old, new)`` for every leaf where the two differ.

    Args:
        old: The snapshot value.
        new: Today's value.
        prefix (str): The dotted key of ``old``/``new``.

    Yields:
        tuple: The dotted key (a key missing on one side is reported at
        that key), the old value and the new one.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from differences(
                old.get(key, _MISSING), new.get(key, _MISSING),
                f'{prefix}.{key}' if prefix else key)
    elif old != new:
        yield prefix, old, new


def _snapshots() -> Dict[str, Dict[str, Any]]:
    with open(SNAPSHOTS) as f:
        return json.load(f)


SNAPSHOT_NAMES = sorted(_snapshots())


@pytest.fixture(scope='module')
def snapshots():
    return _snapshots()


def _allowed(key: str, expected: Dict[str, str]) -> bool:
    """Whether ``key`` is an expected key or lies under one."""
    return any(key == k or key.startswith(k + '.') for k in expected)


@pytest.mark.parametrize('name', SNAPSHOT_NAMES)
def test_config_matches_its_snapshot(name, snapshots):
    assert name in CONFIGS, (
        f'configs/{name} is in the snapshot but no longer exists; file names '
        'and paths stay (issue 12).')
    expected = EXPECTED_DIFFERENCES.get(name, {})
    found = list(differences(snapshots[name], snapshot(CONFIGS[name])))
    unexpected = [(key, old, new) for key, old, new in found
                  if not _allowed(key, expected)]
    assert not unexpected, f'configs/{name} differs from its snapshot:\n' + \
        '\n'.join(f'  {key}: {old!r} -> {new!r}'
                  for key, old, new in unexpected)
    stale = [
        key for key in expected if not any(
            _allowed(found_key, {key: ''}) for found_key, _, _ in found)
    ]
    assert not stale, (
        f'EXPECTED_DIFFERENCES lists {stale} for configs/{name}, but they no '
        'longer differ from the snapshot; remove them from the table.')


def test_expected_differences_name_snapshot_configs():
    assert set(EXPECTED_DIFFERENCES) <= set(SNAPSHOT_NAMES)
    assert all(reason for keys in EXPECTED_DIFFERENCES.values()
               for reason in keys.values())


def test_differences_reports_dotted_keys():
    old = {'model': {'a': 1, 'b': {'c': 2}, 'd': 3}}
    new = {'model': {'a': 1, 'b': {'c': 5}, 'e': 4}}
    assert list(differences(old, new)) == [
        ('model.b.c', 2, 5),
        ('model.d', 3, _MISSING),
        ('model.e', _MISSING, 4),
    ]
