"""Train one config under several seeds, test each, and summarise them.

For mean ± std outside the demo::

    python tools/run_seeds.py configs/sskt/r20_stl10_pi.py --seeds 0 1 2
    python tools/run_seeds.py configs/demo/r20_digits04_scratch.py \\
        --seeds 0 1 2 3 4 --cfg-options train_cfg.max_epochs=10

Seed ``k`` trains into ``WORK_DIR/seed<k>`` (``WORK_DIR`` defaults to
``work_dirs/<config name>``) with ``randomness.seed=k``, through the same
``Runner.from_cfg`` as ``tools/train.py``, and is then tested with its
final weights. All seeds run one after another in this process (the imports
are paid once). The table (best and last validation, test: mean ± std) is
printed and written to ``WORK_DIR/results.md`` and ``results.csv``; it
covers the latest run of each seed asked for. For several GPUs, train each
seed with ``tools/dist_train.sh ... --cfg-options randomness.seed=k`` and
collect them with ``tools/analysis_tools/summarize_results.py``.
"""
import argparse
import os.path as osp
import sys
import time
from typing import List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from mmengine.config import DictAction  # noqa: E402

from sskt.analysis import (
    GroupSummary,
    latest_run,  # noqa: E402
    summarize,
    to_markdown,
    write_csv)
from sskt.analysis.summary import choose_metric  # noqa: E402
from sskt.engine import (
    cached_config_text,
    default_work_dir,  # noqa: E402
    enable_amp,
    load_config,
    seed_work_dir,
    train_and_test)
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import ConfigError  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Train a config under several seeds and summarise')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2], help='seeds')
    parser.add_argument(
        '--work-dir',
        help='root of the seed runs (default: work_dirs/<config name>)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, as for tools/train.py')
    parser.add_argument(
        '--amp', action='store_true', help='mixed precision on a CUDA GPU')
    parser.add_argument(
        '--metric',
        help='metric of the table (default: chosen from the '
        'logs, e.g. accuracy/top1)')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> List[GroupSummary]:
    """Train every seed, then print and write the table; returns its rows."""
    args = parse_args(argv)
    if len(set(args.seeds)) != len(args.seeds):
        raise ConfigError(f'--seeds has repeats: {args.seeds}')
    cfg = load_config(args.config, args.cfg_options)
    if args.amp:
        enable_amp(cfg)
    root = args.work_dir or default_work_dir(args.config)
    with cached_config_text():
        for i, seed in enumerate(args.seeds, 1):
            start = time.time()
            print(
                f'[{i}/{len(args.seeds)}] seed {seed} -> '
                f'{seed_work_dir(root, seed)}',
                flush=True)
            metrics = train_and_test(cfg, seed_work_dir(root, seed), seed)
            shown = ', '.join(f'{k} {v:.2f}' for k, v in metrics.items()
                              if k not in ('time', 'data_time'))
            print(
                f'      test: {shown or "(no test set)"} '
                f'({time.time() - start:.0f} s)',
                flush=True)
    runs = [latest_run(seed_work_dir(root, seed)) for seed in args.seeds]
    metric = args.metric or choose_metric(runs)
    summaries = summarize(runs, metric)
    table = to_markdown(summaries, metric)
    print('\n' + table, end='')
    with open(osp.join(root, 'results.md'), 'w') as f:
        f.write(table)
    write_csv(summaries, metric, osp.join(root, 'results.csv'))
    print(f'wrote {osp.join(root, "results.md")} and results.csv')
    return summaries


if __name__ == '__main__':
    main()
