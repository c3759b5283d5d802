"""Read mmengine's scalar logs (``<timestamp>/vis_data/scalars.json``).

mmengine writes ``work_dir/<timestamp>/vis_data/scalars.json``, one JSON
object per line. Training lines carry ``iter`` (the global iteration), ``lr``,
the losses, ``time``, ``data_time`` (and ``epoch`` for epoch-based training);
``step`` is the global iteration. Validation lines carry the metrics (e.g.
``accuracy/top1``), ``time`` and ``data_time``; their ``step`` is the epoch
(or the iteration for iteration-based training).
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Tuple

import numpy as np

from sskt.utils.errors import MalformedFileError, MissingFileError

Log = Dict[str, List[dict]]


def resolve_log_path(path: str) -> str:
    """Find the ``scalars.json`` that ``path`` stands for.

    Args:
        path (str): A ``scalars.json`` (any ``.json`` file), a run directory
            ``work_dir/<timestamp>`` or a work_dir.

    Returns:
        str: The path of the JSON log; for a work_dir, the latest run's.
    """
    if osp.isfile(path):
        return path
    if osp.isdir(path):
        direct = osp.join(path, 'vis_data', 'scalars.json')
        if osp.isfile(direct):
            return direct
        runs = sorted(
            glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
        if runs:
            return runs[-1]
        raise MissingFileError(
            f'no <timestamp>/vis_data/scalars.json found under {path}')
    raise MissingFileError(f'log not found: {path}')


def load_scalars(path: str) -> Log:
    """Read an mmengine ``scalars.json`` into training and validation lines.

    A line with ``iter`` or ``lr`` is a training line; any other line is a
    validation line.

    Args:
        path (str): Anything :func:`resolve_log_path` accepts.

    Returns:
        dict: ``{'train': [dict, ...], 'val': [dict, ...]}`` in file order.
    """
    json_path = resolve_log_path(path)
    log: Log = dict(train=[], val=[])
    with open(json_path) as f:
        for line_no, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise MalformedFileError(
                    f'{json_path}:{line_no} is not JSON: {e}')
            phase = 'train' if ('iter' in record or 'lr' in record) else 'val'
            log[phase].append(record)
    return log


def available_keys(log: Log) -> Dict[str, List[str]]:
    """List the plottable keys of each phase (all but ``step``/``epoch``/
    ``iter``)."""
    skip = {'step', 'epoch', 'iter'}
    return {
        phase: sorted({k
                       for r in records
                       for k in r} - skip)
        for phase, records in log.items()
    }


def get_series(log: Log, key: str) -> Tuple[np.ndarray, np.ndarray, str]:
    """Take the curve of one key from a log.

    Training keys are looked up first (so ``time`` is the training time),
    then validation keys.

    Args:
        log (dict): A log from :func:`load_scalars`.
        key (str): The scalar, e.g. ``loss`` or ``accuracy/top1``.

    Returns:
        tuple: ``(xs, ys, x_label)``: the steps and values of the lines that
        hold ``key``, and ``'iteration'`` or ``'epoch'``.
    """
    keys = available_keys(log)
    if key in keys['train']:
        records, x_label = log['train'], 'iteration'
    elif key in keys['val']:
        records = log['val']
        by_epoch = any('epoch' in r for r in log['train']) or not log['train']
        x_label = 'epoch' if by_epoch else 'iteration'
    else:
        raise ValueError(f'unknown key "{key}"; keys present: training '
                         f'{keys["train"] or "(none)"}, validation '
                         f'{keys["val"] or "(none)"}')
    records = [r for r in records if key in r]
    xs = np.array([r['step'] for r in records])
    ys = np.array([r[key] for r in records], dtype=float)
    return xs, ys, x_label
