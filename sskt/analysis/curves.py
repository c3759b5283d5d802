"""Draw chosen metrics of many runs into one figure, grouped by config.

One subplot per metric. Each group (config) is one colour: its mean curve
with a ± one-std band over the runs (when they share the same steps), or
one line per run with ``per_run=True``.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sskt.utils.errors import ConfigError  # noqa: E402
from .runs import Run  # noqa: E402
from .scalar_logs import available_keys, get_series  # noqa: E402


def group_runs(runs: Sequence[Run]) -> Dict[str, List[Run]]:
    """Runs by name, in the order the names first appear."""
    groups: Dict[str, List[Run]] = {}
    for run in runs:
        groups.setdefault(run.name, []).append(run)
    return groups


def plot_runs(
    runs: Sequence[Run],
    metrics: Sequence[str],
    out: str,
    labels: Optional[Dict[str, str]] = None,
    per_run: bool = False,
    title: Optional[str] = None,
    subplot_size: Sequence[float] = (7, 3.5)) -> None:
    """Plot ``metrics`` of ``runs`` and save the figure.

    Args:
        runs (Sequence[Run]): Runs from :func:`~.runs.find_runs`.
        metrics (Sequence[str]): Training or validation keys, e.g.
            ``['accuracy/top1', 'loss']``.
        out (str): Output image; its extension picks the format.
        labels (dict[str, str], optional): Legend labels by group name.
        per_run (bool): One line per run instead of mean ± std.
        title (str, optional): Title of the figure.
        subplot_size (Sequence[float]): Width and height of one subplot in
            inches.

    Raises:
        ConfigError: If a metric is in none of the runs.
    """
    if not runs:
        raise ConfigError('no runs to plot')
    for metric in metrics:
        if not any(
                metric in sum(available_keys(run.log).values(), [])
                for run in runs):
            keys = sorted({
                k
                for run in runs
                for k in sum(available_keys(run.log).values(), [])
            })
            raise ConfigError(f'no run logged {metric!r}; keys present: '
                              f'{", ".join(keys)}')
    width, height = subplot_size
    fig, axes = plt.subplots(
        len(metrics), 1, figsize=(width, height * len(metrics)), squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics):
        for colour, (name, group) in enumerate(group_runs(runs).items()):
            label = (labels or {}).get(name, name)
            _plot_group(ax, group, metric, label, f'C{colour % 10}', per_run)
        ax.set_ylabel(metric)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize='small')
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if osp.dirname(out):
        os.makedirs(osp.dirname(out), exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)


def _plot_group(ax, group: Sequence[Run], metric: str, label: str, colour: str,
                per_run: bool) -> None:
    """One group's curves on ``ax``: mean ± std, or every run."""
    curves, seeds = [], []
    for run in group:
        try:
            curves.append(get_series(run.log, metric))
        except ValueError:  # this run did not log the metric
            continue
        seeds.append(run.seed)
    if not curves:
        return
    ax.set_xlabel(curves[0][2])
    same_steps = all(np.array_equal(xs, curves[0][0]) for xs, _, _ in curves)
    if per_run or not same_steps or len(curves) == 1:
        for i, ((xs, ys, _), seed) in enumerate(zip(curves, seeds)):
            ax.plot(
                xs,
                ys,
                color=colour,
                linewidth=0.9,
                label=label if i == 0 else None,
                alpha=0.9 if len(curves) == 1 else 0.6)
            if per_run and seed is not None:
                ax.annotate(
                    f's{seed}', (xs[-1], ys[-1]),
                    color=colour,
                    fontsize='x-small')
        return
    values = np.stack([ys for _, ys, _ in curves])
    mean, std = values.mean(0), values.std(0, ddof=1)
    xs = curves[0][0]
    ax.plot(
        xs,
        mean,
        color=colour,
        linewidth=1.5,
        label=f'{label} (n={len(curves)})')
    ax.fill_between(xs, mean - std, mean + std, color=colour, alpha=0.15)
