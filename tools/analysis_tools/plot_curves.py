"""Draw chosen metrics of several runs into one PNG, grouped by config.

One subplot per metric; each config is one colour, drawn as the mean over
its runs with a ± one-std band (``--per-run`` draws every run instead).
Validation metrics are plotted against the epoch, training scalars (loss,
lr, ...) against the iteration.

Examples::

    python tools/analysis_tools/plot_curves.py work_dirs/demo \\
        --metrics accuracy/top1 loss --out curves.png
    python tools/analysis_tools/plot_curves.py work_dirs/r20_stl10 \\
        work_dirs/r20_stl10_pi --metrics accuracy/top1 --per-run \\
        --out stl10.png
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
try:
    import sskt  # noqa: F401  (checks the stack)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from sskt.analysis import find_runs, plot_runs  # noqa: E402
from sskt.utils.cli import exit_on_user_error  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Plot metrics of several runs into one image')
    parser.add_argument(
        'work_dirs', nargs='+', help='work directories or their parents')
    parser.add_argument(
        '--metrics',
        nargs='+',
        default=['accuracy/top1'],
        help='scalars to plot, one subplot each')
    parser.add_argument('--out', required=True, help='output image (.png)')
    parser.add_argument(
        '--per-run',
        action='store_true',
        help='one line per run instead of mean ± std per config')
    parser.add_argument('--title', help='title of the figure')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> str:
    """Draw and save the figure; returns its path."""
    args = parse_args(argv)
    runs = find_runs(args.work_dirs)
    plot_runs(
        runs, args.metrics, args.out, per_run=args.per_run, title=args.title)
    print(f'saved {len(runs)} runs to {args.out}')
    return args.out


if __name__ == '__main__':
    main()
