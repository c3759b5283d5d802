"""Print a config with its ``_base_`` files merged and overrides applied.

Example::

    python tools/misc/print_config.py configs/baselines/scratch/r20_stl10.py \\
        --cfg-options train_dataloader.batch_size=64
"""
import argparse
import os.path as osp
import sys
from typing import Optional, Sequence

sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))
try:
    import sskt  # noqa: F401  (checks the stack)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from mmengine.config import DictAction  # noqa: E402

from sskt.engine import load_config  # noqa: E402
from sskt.utils.cli import exit_on_user_error  # noqa: E402


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='Print the whole config')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the config, in xxx=yyy format; a '
        'list is given as key="[a,b]" or key=a,b, nested lists/tuples as '
        'key="[(a,b),(c,d)]" (quotation marks needed, no white space)')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the merged config of the command line ``argv``."""
    args = parse_args(argv)
    print(load_config(args.config, args.cfg_options).pretty_text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
