"""Evaluate a checkpoint on the test split of a config.

Examples::

    python tools/test.py configs/baselines/scratch/r20_cifar10.py \
        work_dirs/r20_cifar10/epoch_200.pth
    python tools/test.py CONFIG CHECKPOINT --out results.pkl  # + predictions
    python tools/test.py CONFIG CHECKPOINT --show-dir vis     # draw them
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
"""
import argparse
import os.path as osp
import sys
from typing import Dict, List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from mmengine.config import Config  # noqa: E402
from mmengine.dist import is_main_process  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from sskt.engine import add_common_arguments, load_tool_config  # noqa: E402
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import ConfigError, MissingFileError  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (the usual OpenMMLab test flags)."""
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out', help='dump every prediction to this .pkl file')
    parser.add_argument(
        '--show-dir',
        help='draw the prediction on every test image and save the drawings '
        'in this directory (a relative path is taken inside the work '
        'directory)')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> Config:
    """Load the config and apply the command line to it.

    Args:
        args (argparse.Namespace): Parsed arguments.

    Returns:
        Config: The config to build the Runner from.
    """
    if not osp.isfile(args.checkpoint):
        raise MissingFileError(
            f'Checkpoint {args.checkpoint} does not exist; pass a file that '
            'tools/train.py wrote, e.g. work_dirs/<config>/epoch_N.pth.')
    cfg = load_tool_config(args)
    cfg.load_from = args.checkpoint
    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ConfigError(f'--out {args.out}: the results are pickled, '
                              'so give a file name ending in .pkl.')
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, list):
            evaluators = [evaluators]
        cfg.test_evaluator = evaluators + [
            dict(type='DumpResults', out_file_path=args.out)
        ]
    if args.show_dir is not None:
        if 'visualization' not in cfg.default_hooks:
            raise ConfigError(
                '--show-dir needs default_hooks.visualization (e.g. '
                "dict(type='mmpretrain.VisualizationHook')), as in "
                'configs/_base_/default_runtime.py.')
        cfg.default_hooks.visualization.enable = True
        cfg.default_hooks.visualization.interval = 1
        cfg.default_hooks.visualization.out_dir = osp.join(
            cfg.work_dir, args.show_dir)
    return cfg


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, float]:
    """Test; returns the metrics."""
    cfg = build_config(parse_args(argv))
    runner = (
        Runner.from_cfg(cfg)
        if 'runner_type' not in cfg else RUNNERS.build(cfg))
    metrics = runner.test()
    if is_main_process():
        print('Test results: ' + ', '.join(f'{name} {value:.2f}'
                                           for name, value in metrics.items()
                                           if isinstance(value, float)))
    return metrics


if __name__ == '__main__':
    main()
