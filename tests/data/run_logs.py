"""Write synthetic mmengine run directories (what tools/train.py leaves).

Layout per run: ``work_dir/<config>.py`` (the dumped config),
``work_dir/<stamp>/vis_data/scalars.json`` (training and validation lines),
``work_dir/<stamp>/vis_data/config.py`` (with ``randomness.seed``) and, for a
tested run, ``work_dir/<stamp>/<stamp>.json`` with the test metrics.
"""
import json
from pathlib import Path
from typing import Dict, Optional, Sequence


def write_run(work_dir: Path,
              stamp: str,
              val: Sequence[float],
              seed: Optional[int] = 0,
              config: str = 'cfg',
              test: Optional[float] = None,
              metric: str = 'accuracy/top1',
              first_epoch: int = 1,
              iters_per_epoch: int = 2) -> Path:
    """Write one run segment with one validation per epoch.

    Args:
        work_dir (Path): The run's work_dir (created).
        stamp (str): The ``<timestamp>`` directory name.
        val (Sequence[float]): The validation metric of each epoch.
        seed (int, optional): Written as ``randomness.seed``; None writes no
            ``randomness``.
        config (str): Name of the dumped config file.
        test (float, optional): The test metric, if tested.
        metric (str): The metric's key.
        first_epoch (int): Epoch of the first line (> 1 for a resume).
        iters_per_epoch (int): Training lines per epoch (one per iter).

    Returns:
        Path: The segment's directory.
    """
    run_dir = work_dir / stamp
    (run_dir / 'vis_data').mkdir(parents=True)
    (work_dir / f'{config}.py').write_text(f"work_dir = '{work_dir}'\n")
    randomness = '' if seed is None else f'randomness = dict(seed={seed})\n'
    (run_dir / 'vis_data' /
     'config.py').write_text(f"work_dir = '{work_dir}'\n{randomness}")
    lines = []
    for offset, value in enumerate(val):
        epoch = first_epoch + offset
        for i in range(iters_per_epoch):
            step = (epoch - 1) * iters_per_epoch + i + 1
            lines.append(
                dict(
                    lr=0.1,
                    loss=1.0 / step,
                    time=0.1,
                    data_time=0.01,
                    epoch=epoch,
                    iter=step,
                    step=step))
        lines.append({
            metric: value,
            'time': 0.05,
            'data_time': 0.01,
            'step': epoch
        })
    _write_lines(run_dir / 'vis_data' / 'scalars.json', lines)
    if test is not None:
        write_test(run_dir, {metric: test})
    return run_dir


def write_test(run_dir: Path, metrics: Dict[str, float]) -> None:
    """Write the test line mmengine logs to ``<stamp>/<stamp>.json``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    line = dict(metrics, time=0.05, data_time=0.01)
    _write_lines(run_dir / f'{run_dir.name}.json', [line])


def _write_lines(path: Path, lines) -> None:
    path.write_text(''.join(json.dumps(line) + '\n' for line in lines))
