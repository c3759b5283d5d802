"""Collect finished runs into the paper-style table: mean ± std per config.

Every run under the given directories (any configs, any seeds; searched
recursively) is grouped by its config's name. For one metric, each group
gets the mean ± sample std over its runs of the best validation value, the
last validation value and the test value (when the runs were tested, e.g.
by ``tools/run_seeds.py``). How runs, resumes and test results are
recognised: :mod:`sskt.analysis.runs`.

Examples::

    python tools/analysis_tools/summarize_results.py work_dirs/demo
    python tools/analysis_tools/summarize_results.py work_dirs/r20_stl10_pi \\
        work_dirs/r20_stl10 --metric accuracy/top1 \\
        --out-md results.md --out-csv results.csv
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

from sskt.analysis import (
    GroupSummary,
    find_runs,  # noqa: E402
    summarize,
    to_markdown,
    write_csv)
from sskt.analysis.summary import COLUMNS, choose_metric  # noqa: E402
from sskt.utils.cli import exit_on_user_error  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Summarise runs as mean ± std per config')
    parser.add_argument(
        'work_dirs', nargs='+', help='work directories or their parents')
    parser.add_argument(
        '--metric',
        help='validation/test key (default: accuracy/top1, video/top1, '
        'clip/top1 or mAP, whichever the runs have)')
    parser.add_argument(
        '--rule',
        choices=['greater', 'less'],
        help='which is better for "best" (default: less for losses and '
        'errors, else greater)')
    parser.add_argument(
        '--columns',
        nargs='+',
        choices=COLUMNS,
        default=list(COLUMNS),
        help='which numbers to show (default: all)')
    parser.add_argument('--digits', type=int, default=2, help='decimals')
    parser.add_argument('--out-md', help='also write the markdown here')
    parser.add_argument(
        '--out-csv', help='also write a CSV (mean, std and n per column)')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> List[GroupSummary]:
    """Print the table (and write the files asked for); returns the rows."""
    args = parse_args(argv)
    runs = find_runs(args.work_dirs)
    metric = args.metric or choose_metric(runs)
    summaries = summarize(runs, metric, args.rule)
    table = to_markdown(
        summaries, metric, columns=args.columns, digits=args.digits)
    print(table, end='')
    if args.out_md:
        with open(args.out_md, 'w') as f:
            f.write(table)
        print(f'wrote {args.out_md}')
    if args.out_csv:
        write_csv(summaries, metric, args.out_csv)
        print(f'wrote {args.out_csv}')
    return summaries


if __name__ == '__main__':
    main()
