"""Train a model from a config.

Examples::

    python tools/train.py configs/baselines/scratch/r20_cifar10.py
    python tools/train.py CONFIG --work-dir work_dirs/run1 \\
        --cfg-options randomness.seed=1
    python tools/train.py CONFIG --resume          # latest in the work_dir
    python tools/train.py CONFIG --resume work_dirs/x/epoch_10.pth
    bash tools/dist_train.sh CONFIG 8       # 8 processes: GPUs, or CPUs
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from mmengine.config import Config  # noqa: E402
from mmengine.logging import print_log  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from sskt.engine import (  # noqa: E402
    add_common_arguments, enable_amp, find_resume_checkpoint,
    load_tool_config, read_training_checkpoint)
from sskt.utils.cli import exit_on_user_error  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (the usual OpenMMLab training flags)."""
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, from the latest '
        'checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed-precision training on a CUDA GPU; the dtype is the '
        "config's amp_dtype ('float16' or 'bfloat16')")
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by the actual total batch size over '
        'auto_scale_lr.base_batch_size')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> Config:
    """Load the config and apply the command line to it.

    ``--cfg-options`` is applied first, so it can set what ``--amp`` reads
    (``amp_dtype``). ``--resume`` without a path continues from the
    checkpoint ``last_checkpoint`` names, or, when that one is missing or
    damaged, from the newest readable one (see
    :func:`sskt.engine.find_resume_checkpoint`).

    Args:
        args (argparse.Namespace): Parsed arguments.

    Returns:
        Config: The config to build the Runner from.
    """
    cfg = load_tool_config(args)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        enable_amp(cfg)
    if args.resume == 'auto':
        checkpoint = find_resume_checkpoint(cfg.work_dir)
        if checkpoint is None:
            print_log(
                f'--resume: {cfg.work_dir} holds no checkpoint yet; training '
                'starts from scratch.',
                logger='current')
        cfg.resume, cfg.load_from = checkpoint is not None, checkpoint
    elif args.resume is not None:
        read_training_checkpoint(args.resume)
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    return cfg


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Runner:
    """Train; returns the Runner so that callers can inspect the result."""
    cfg = build_config(parse_args(argv))
    runner = (
        Runner.from_cfg(cfg)
        if 'runner_type' not in cfg else RUNNERS.build(cfg))
    runner.train()
    return runner


if __name__ == '__main__':
    main()
