"""The parts of a merged config that a refactor of the config files must keep.

:func:`snapshot` reads a config with plain :meth:`mmengine.Config.fromfile`
and returns its ``model``, ``optim_wrapper`` and ``param_scheduler`` in a
JSON-safe form (tuples become ``{'__tuple__': [...]}`` so that a tuple turned
into a list is a difference). ``tests/data/config_snapshots_8469731.json``
holds the snapshot of every config of main at commit 8469731, written once
with ``python -m tests.data.config_snapshot CONFIGS_DIR OUT`` and never
regenerated; ``tests/test_configs/test_config_snapshots.py`` compares today's
configs with it.
"""
import glob
import json
import os.path as osp
import sys
from typing import Any, Dict

from mmengine.config import Config

#: The merged keys a snapshot holds.
SNAPSHOT_KEYS = ('model', 'optim_wrapper', 'param_scheduler')


def to_json_safe(value: Any) -> Any:
    """``value`` with tuples marked, dicts plain and keys sorted."""
    if isinstance(value, dict):
        return {str(k): to_json_safe(v) for k, v in sorted(value.items())}
    if isinstance(value, tuple):
        return {'__tuple__': [to_json_safe(v) for v in value]}
    if isinstance(value, list):
        return [to_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return {'__repr__': repr(value)}


def snapshot(path: str) -> Dict[str, Any]:
    """The :data:`SNAPSHOT_KEYS` of the merged config at ``path``."""
    cfg = Config.fromfile(path, import_custom_modules=False)
    return {key: to_json_safe(cfg.get(key)) for key in SNAPSHOT_KEYS}


def config_names(configs_dir: str) -> Dict[str, str]:
    """``{name relative to configs_dir: path}`` of every non-base config."""
    paths = glob.glob(osp.join(configs_dir, '**', '*.py'), recursive=True)
    return {
        osp.relpath(path, configs_dir): path
        for path in sorted(paths) if '_base_' not in path
    }


if __name__ == '__main__':
    configs_dir, out = sys.argv[1:3]
    snapshots = {
        name: snapshot(path)
        for name, path in config_names(configs_dir).items()
    }
    with open(out, 'w') as f:
        json.dump(snapshots, f, indent=1, sort_keys=True)
        f.write('\n')
