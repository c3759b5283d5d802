"""Training throughput of a config through the real training loop.

Prints images per second (batch size over the median iteration time after
a warm-up), the peak GPU memory and, unless ``--synthetic``, the data
loader's own images per second. ``--compare original`` also runs the config
in the original code's settings (fp32, sources' BN in train mode, no
compilation, no channels-last) in this same process and prints the ratio.

Examples::

    python tools/analysis_tools/benchmark.py configs/sskt/r20_stl10_pi.py
    python tools/analysis_tools/benchmark.py \\
        configs/sskt/fast/r20_stl10_pi_fast.py --synthetic --image-size 96 \\
        --iters 100 --compare original
    python tools/analysis_tools/benchmark.py CONFIG --random-sources \\
        --synthetic --image-size 32 --cfg-options model.alpha=0.5

Every run (benchmark or not) goes through ``Runner.from_cfg`` and its hooks,
so the numbers include what a real run pays per iteration (logging, host
syncs); validation and checkpoints are off. Sources still load their
checkpoints unless ``--random-sources`` (speed does not depend on weights).
"""
import argparse
import os.path as osp
import sys
import tempfile
from typing import Dict, List, Optional

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from mmengine.config import Config, DictAction  # noqa: E402

from sskt.engine import (  # noqa: E402
    disable_persistent_workers_without_workers, load_config)
from sskt.engine.benchmark import (
    ThroughputResult,  # noqa: E402
    benchmark_training,
    loader_throughput,
    original_style,
    throughput_table)
from sskt.utils.cli import exit_on_user_error  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Measure training throughput (img/s)')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--iters', type=int, default=50, help='timed iterations')
    parser.add_argument(
        '--warmup', type=int, default=10, help='untimed first iterations')
    parser.add_argument(
        '--batch-size', type=int, help="override the config's batch size")
    parser.add_argument(
        '--synthetic',
        action='store_true',
        help='feed one random uint8 batch that is already on the device '
        '(the model step alone; no dataset files needed)')
    parser.add_argument(
        '--image-size',
        type=int,
        help='side of the synthetic images (32 CIFAR, 96 STL-10)')
    parser.add_argument(
        '--compare',
        choices=['original'],
        help='also run the original-style settings and print the ratio')
    parser.add_argument(
        '--random-sources',
        action='store_true',
        help='random source weights instead of their checkpoints')
    parser.add_argument(
        '--work-dir', help='where the short logs go (default: a temp dir)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, as for tools/train.py')
    return parser.parse_args(argv)


def with_random_sources(cfg: Config) -> None:
    """Let every source of ``cfg`` keep random weights (in place)."""
    for source in (cfg.model.get('sources') or {}).values():
        source['checkpoint'] = None
        source['allow_random'] = True


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, ThroughputResult]:
    """Run the benchmark(s) and print the table; returns the results."""
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    disable_persistent_workers_without_workers(cfg)
    if args.random_sources:
        with_random_sources(cfg)
    configs = {'as configured': cfg}
    if args.compare == 'original':
        configs['original style'] = original_style(cfg)
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, run_cfg in configs.items():
            print(
                f'benchmarking {name}: {args.warmup} + {args.iters} '
                'iterations ...',
                flush=True)
            results[name] = benchmark_training(
                run_cfg, osp.join(args.work_dir or scratch,
                                  name.split()[0]), args.iters, args.warmup,
                args.batch_size, args.synthetic, args.image_size)
    loader_ips = None if args.synthetic else loader_throughput(
        cfg, batch_size=args.batch_size)
    first = next(iter(results.values()))
    data = ('synthetic device-resident data'
            if args.synthetic else 'its data loader')
    print(f'\n{args.config} on {first.device}, batch {first.batch_size}, '
          f'{data}, median of {first.iters} iterations:\n')
    print(throughput_table(results, loader_ips), end='')
    if len(results) == 2:
        fast, original = results.values()
        print(f'\nspeed-up over the original style: '
              f'{fast.images_per_second / original.images_per_second:.2f}x')
    return results


if __name__ == '__main__':
    main()
