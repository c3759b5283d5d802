"""Check every image, frame or record of a config's datasets before training.

Builds the dataset of each phase (``train_dataloader.dataset``, ...) as the
Runner would, then, with a progress bar, decodes every image (VOC,
ImageNet-style folders), every frame of every video (rawframe datasets: all
``total_frames`` of the list with the dataset's ``filename_tmpl``), or checks
every in-memory record's shape, dtype and label (CIFAR, STL-10, digits); see
:mod:`sskt.datasets.verify`. Each bad file or record is listed on its own
line as ``  <path or record>: <problem>``; a dataset that cannot be built is
listed with its error. Files shared by phases (val and test of one split)
are checked once.

Exit status: 0 when every sample is sound, 1 when anything is bad.

Examples::

    python tools/misc/verify_dataset.py configs/baselines/scratch/r18_voc.py
    python tools/misc/verify_dataset.py configs/sskt/r3d18_ucf101_pi.py \\
        --phase train --nproc 8
    python tools/misc/verify_dataset.py CONFIG \\
        --cfg-options train_dataloader.dataset.data_root=/data/VOC2007
"""
import argparse
import copy
import os.path as osp
import sys
from typing import Any, Optional, Sequence, Set

sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.registry import DefaultScope  # noqa: E402

from sskt.datasets.verify import base_datasets, verify_samples  # noqa: E402
from sskt.datasets.video import VideoRawframeDataset  # noqa: E402
from sskt.engine import load_config  # noqa: E402
from sskt.registry import DATASETS  # noqa: E402
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import ConfigError, SSKTUserError  # noqa: E402

PHASES = ('train', 'val', 'test')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(
        description='Check every image, frame or record of the datasets')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--phase',
        nargs='+',
        choices=PHASES,
        default=list(PHASES),
        help='the dataloaders whose datasets are checked (default: all)')
    parser.add_argument(
        '--nproc',
        type=int,
        default=1,
        help='processes that decode files (default: 1)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, e.g. '
        'train_dataloader.dataset.data_root=/data/VOC2007')
    return parser.parse_args(argv)


def build_dataset(cfg: Config, phase: str) -> Optional[Any]:
    """Build ``<phase>_dataloader.dataset`` in the config's default scope.

    Rawframe datasets are built with ``check_frames=False``: every frame is
    checked afterwards, so a video whose last frame is missing is listed
    with the others instead of stopping the build at the first one.

    Args:
        cfg (Config): The config.
        phase (str): ``'train'``, ``'val'`` or ``'test'``.

    Returns:
        The dataset, or None when the config has no such dataloader.
    """
    loader = cfg.get(f'{phase}_dataloader')
    if not loader or not loader.get('dataset'):
        return None
    dataset_cfg = copy.deepcopy(loader['dataset'])
    scope = cfg.get('default_scope') or 'sskt'
    with DefaultScope.overwrite_default_scope(scope):
        _skip_frame_checks(dataset_cfg)
        return DATASETS.build(dataset_cfg)


def _skip_frame_checks(dataset_cfg: dict) -> None:
    """Set ``check_frames=False`` on the rawframe datasets of a config."""
    inner = dataset_cfg.get('datasets') or [dataset_cfg.get('dataset')]
    for sub in inner:
        if isinstance(sub, dict):
            _skip_frame_checks(sub)
    kind = dataset_cfg.get('type')
    cls = DATASETS.get(kind) if isinstance(kind, str) else kind
    if isinstance(cls, type) and issubclass(cls, VideoRawframeDataset):
        dataset_cfg['check_frames'] = False


def describe(dataset: Any) -> str:
    """``'<name>, <source>, <n> samples'`` of a (possibly wrapped) dataset."""
    parts = []
    for inner in base_datasets(dataset):
        name = getattr(inner, 'dataset_label', type(inner).__name__)
        source = getattr(inner, 'source_text', None)
        parts.append(f'{name} {source()}' if source else name)
    return f'{" + ".join(parts)}, {len(dataset)} samples'


def verify_phase(cfg: Config, phase: str, nproc: int, seen: Set[Any]) -> int:
    """Check one phase's dataset and print what is bad.

    Args:
        cfg (Config): The config.
        phase (str): The phase.
        nproc (int): Processes that decode files.
        seen (set): Samples checked and build errors printed so far, shared
            across phases.

    Returns:
        int: The number of bad files and records (1 for a dataset that
        cannot be built, 0 if that error was already counted).
    """
    try:
        dataset = build_dataset(cfg, phase)
    except SSKTUserError as error:
        if str(error) in seen:
            print(f'{phase}: the dataset cannot be built (the error above)')
            return 0
        seen.add(str(error))
        print(f'{phase}: the dataset cannot be built:\n  {error}')
        return 1
    if dataset is None:
        print(f'{phase}: no {phase}_dataloader.dataset in the config')
        return 0
    print(f'{phase}: {describe(dataset)}')
    report = verify_samples(dataset, nproc=nproc, seen=seen, file=sys.stdout)
    notes = [f'{report.checked} samples checked']
    if report.repeated:
        notes.append(f'{report.repeated} share files already checked')
    if report.unchecked:
        notes.append(f'{report.unchecked} have no files or records sskt can '
                     'check')
    status = (f'{len(report.problems)} bad files or records'
              if report.problems else 'all sound')
    print(f'{phase}: {status} ({", ".join(notes)})')
    for where, problem in report.problems:
        print(f'  {where}: {problem}')
    return len(report.problems)


@exit_on_user_error
def main(argv: Optional[Sequence[str]] = None) -> int:
    """Check the datasets of the command line ``argv``.

    Returns:
        int: The exit status, 0 when everything is sound, else 1.
    """
    args = parse_args(argv)
    if args.nproc < 1:
        raise ConfigError(f'--nproc must be at least 1, got {args.nproc}.')
    cfg = load_config(args.config, args.cfg_options)
    seen: Set[Any] = set()
    bad = sum(
        verify_phase(cfg, phase, args.nproc, seen)
        for phase in dict.fromkeys(args.phase))
    if bad:
        print(f'{bad} bad files or records: replace or re-extract them, or '
              'remove their samples from the lists (see '
              'docs/dataset_prepare.md).')
        return 1
    print('Every checked sample is sound.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
