"""Plot curves and compute the training speed from mmengine scalar logs.

What the logs hold: :mod:`sskt.analysis.scalar_logs`. For mean ± std over
seeds and configs, see ``summarize_results.py`` and ``plot_curves.py``.

Examples::

    python tools/analysis_tools/analyze_logs.py plot_curve \\
        work_dirs/r20_stl10_pi --keys loss accuracy/top1 --out curves.png
    python tools/analysis_tools/analyze_logs.py cal_train_time \\
        work_dirs/r20_stl10_pi/20240101_120000/vis_data/scalars.json

Each log is a ``scalars.json`` file or a work_dir (its latest
``<timestamp>/vis_data/scalars.json`` is used) or a run directory
``work_dir/<timestamp>``.
"""
import argparse
import os
import os.path as osp
import re
import sys
from itertools import groupby
from typing import Optional, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from sskt.analysis import scalar_logs  # noqa: E402

Log = scalar_logs.Log
available_keys = scalar_logs.available_keys
get_series = scalar_logs.get_series
load_scalars = scalar_logs.load_scalars
resolve_log_path = scalar_logs.resolve_log_path

__all__ = [
    'Log', 'available_keys', 'get_series', 'load_scalars', 'resolve_log_path'
]


def default_legend(path: str) -> str:
    """Name a log by its work_dir and run (or its file name)."""
    path = osp.normpath(path)
    if osp.isdir(path):
        path = resolve_log_path(path)
    parts = path.split(os.sep)
    if len(parts) >= 4 and parts[-2] == 'vis_data':
        return f'{parts[-4]}/{parts[-3]}'
    return osp.splitext(parts[-1])[0]


def plot_curves(
    logs: Sequence[Log],
    keys: Sequence[str],
    out: str,
    legend: Sequence[str],
    title: Optional[str] = None,
    window_size: Tuple[int, int] = (12, 4)) -> None:
    """Plot one subplot per key, one line per log, and save the figure.

    Args:
        logs (Sequence[dict]): Logs from :func:`load_scalars`.
        keys (Sequence[str]): The keys to plot.
        out (str): Output image path (its extension picks the format).
        legend (Sequence[str]): One label per log.
        title (str, optional): Title of the figure.
        window_size (tuple[int, int]): Width and height of one subplot in
            inches.
    """
    if len(legend) != len(logs):
        raise ValueError(f'got {len(legend)} legend entries for '
                         f'{len(logs)} logs; give one per log')
    series = [[get_series(log, key) for log in logs] for key in keys]
    width, height = window_size
    fig, axes = plt.subplots(
        len(keys), 1, figsize=(width, height * len(keys)), squeeze=False)
    for ax, key, curves in zip(axes[:, 0], keys, series):
        for label, (xs, ys, x_label) in zip(legend, curves):
            ax.plot(xs, ys, label=label, linewidth=0.75)
            ax.set_xlabel(x_label)
        ax.set_ylabel(key)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title is not None:
        fig.suptitle(title)
    fig.tight_layout()
    out_dir = osp.dirname(out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def cal_train_time(log: Log, include_outliers: bool = False) -> dict:
    """Compute the average time per training iteration from ``time``.

    Unless ``include_outliers``, the first record of every epoch (which
    holds the data loader start-up) is left out when the epoch has more.

    Args:
        log (dict): A log from :func:`load_scalars`.
        include_outliers (bool): Keep the first record of each epoch.

    Returns:
        dict: ``avg_iter_time`` (s/iter) and, for epoch-based logs,
        ``epoch_times`` ({epoch: mean}), ``slowest_epoch``, ``fastest_epoch``
        and ``epoch_time_std``.
    """
    records = [r for r in log['train'] if 'time' in r]
    if not records:
        raise ValueError('no training line has a "time" key; keys present: '
                         f'{available_keys(log)["train"] or "(none)"}')
    if 'epoch' not in records[0]:
        return dict(avg_iter_time=float(np.mean([r['time'] for r in records])))
    epoch_times, kept = {}, []
    for epoch, group in groupby(records, key=lambda r: r['epoch']):
        times = [r['time'] for r in group]
        if not include_outliers and len(times) > 1:
            times = times[1:]
        epoch_times[epoch] = float(np.mean(times))
        kept += times
    means = np.array(list(epoch_times.values()))
    epochs = list(epoch_times)
    return dict(
        avg_iter_time=float(np.mean(kept)),
        epoch_times=epoch_times,
        slowest_epoch=epochs[int(means.argmax())],
        fastest_epoch=epochs[int(means.argmin())],
        epoch_time_std=float(means.std()))


def parse_args(
    argv: Optional[Sequence[str]] = None
) -> Tuple[argparse.ArgumentParser, argparse.Namespace]:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='Analyze mmengine json logs')
    subparsers = parser.add_subparsers(dest='task', required=True)
    log_help = 'scalars.json files or work_dirs (latest run)'

    plot = subparsers.add_parser('plot_curve', help='plot scalar curves')
    plot.add_argument('json_logs', nargs='+', help=log_help)
    plot.add_argument(
        '--keys', nargs='+', default=['loss'], help='scalars to plot')
    plot.add_argument('--title', help='title of the figure')
    plot.add_argument(
        '--legend', nargs='+', help='one label per log (default: run names)')
    plot.add_argument('--out', required=True, help='output image, e.g. .png')
    plot.add_argument(
        '--window-size',
        default='12*4',
        help='size of one subplot in inches, "W*H"')

    timing = subparsers.add_parser(
        'cal_train_time', help='average time per training iteration')
    timing.add_argument('json_logs', nargs='+', help=log_help)
    timing.add_argument(
        '--include-outliers',
        action='store_true',
        help='keep the first record of every epoch')
    args = parser.parse_args(argv)
    if args.task == 'plot_curve' and not re.fullmatch(r'\d+\*\d+',
                                                      args.window_size):
        parser.error(f'--window-size must be "W*H", got {args.window_size}')
    return parser, args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the tool; errors end in ``parser.error`` (exit code 2)."""
    parser, args = parse_args(argv)
    try:
        logs = [load_scalars(path) for path in args.json_logs]
        if args.task == 'plot_curve':
            legend = args.legend or [default_legend(p) for p in args.json_logs]
            width, height = (int(v) for v in args.window_size.split('*'))
            plot_curves(logs, args.keys, args.out, legend, args.title,
                        (width, height))
            print(f'saved curves to {args.out}')
        else:
            for path, log in zip(args.json_logs, logs):
                result = cal_train_time(log, args.include_outliers)
                print(f'----- train time of {path} -----')
                if 'epoch_times' in result:
                    times = result['epoch_times']
                    slow, fast = result['slowest_epoch'], result[
                        'fastest_epoch']
                    print(f'slowest epoch {slow}, average time is '
                          f'{times[slow]:.4f}')
                    print(f'fastest epoch {fast}, average time is '
                          f'{times[fast]:.4f}')
                    print('time std over epochs is '
                          f'{result["epoch_time_std"]:.4f}')
                print(f'average iter time: {result["avg_iter_time"]:.4f} '
                      's/iter')
    except (FileNotFoundError, ValueError) as e:
        parser.error(str(e))
    return 0


if __name__ == '__main__':
    sys.exit(main())
