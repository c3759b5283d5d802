"""The command line that turns an official split into rawframe lists.

``tools/dataset_converters/ucf101_lists.py`` and ``hmdb51_lists.py`` differ
only in how the split files are read; this module holds the rest.
"""
import argparse
import os.path as osp
from typing import Callable, Dict, List, NamedTuple, Optional

from .rawframe_lists import ListEntry, Split, count_frames, write_split_lists


class OfficialSplits(NamedTuple):
    """How a dataset's official split files are found and read.

    Args:
        name (str): The list-name stem, e.g. ``'ucf101'``.
        dataset (str): The name in messages, e.g. ``'UCF101'``.
        read_split (Callable[[str, int], Split]): ``(split dir, k)`` →
            ``(classes, videos)``.
        splits_subdir (str): Default folder of the split files under ROOT.
        splits_help (str): What that folder holds.
        label_order (str): How labels are numbered, for the summary.
    """
    name: str
    dataset: str
    read_split: Callable[[str, int], Split]
    splits_subdir: str
    splits_help: str
    label_order: str


def parse_args(spec: OfficialSplits,
               argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line of a split-lists tool."""
    parser = argparse.ArgumentParser(
        description=f'Write rawframe lists for official {spec.dataset} '
        'splits')
    parser.add_argument(
        'root', help=f'the dataset folder, e.g. data/{spec.name}')
    parser.add_argument(
        '--split',
        type=int,
        nargs='+',
        default=[1],
        choices=[1, 2, 3],
        help='official split(s). Default: 1 (the paper\'s)')
    parser.add_argument(
        '--splits-dir',
        help=f'folder of {spec.splits_help}. Default: '
        f'ROOT/{spec.splits_subdir}')
    parser.add_argument(
        '--frames-dir',
        help='the extracted frames, ROOT/rawframes by default '
        '(<class>/<video>/img_00001.jpg, …)')
    parser.add_argument(
        '--out-dir',
        help='where to write the lists. Default: ROOT/annotations')
    parser.add_argument(
        '--filename-tmpl',
        default='img_{:05}.jpg',
        help='frame file names, counted from 1. Default: img_{:05}.jpg')
    parser.add_argument(
        '--skip-missing',
        action='store_true',
        help='leave out videos without frames instead of stopping')
    return parser.parse_args(argv)


def split_lists_main(
        spec: OfficialSplits,
        argv: Optional[List[str]] = None) -> Dict[str, List[ListEntry]]:
    """Write the lists of every requested split and print a summary.

    Args:
        spec (OfficialSplits): The dataset's split files.
        argv (list[str], optional): The command line.

    Returns:
        dict[str, list[ListEntry]]: ``{list path: its entries}``.
    """
    args = parse_args(spec, argv)
    splits_dir = args.splits_dir or osp.join(args.root, spec.splits_subdir)
    frames_dir = args.frames_dir or osp.join(args.root, 'rawframes')
    out_dir = args.out_dir or osp.join(args.root, 'annotations')
    written = {}
    for split in args.split:
        classes, videos = spec.read_split(splits_dir, split)
        written.update(
            write_split_lists(
                videos,
                frames_dir,
                out_dir,
                spec.name,
                split,
                lambda d: count_frames(d, args.filename_tmpl),
                args.skip_missing,
                dataset=spec.dataset))
    for path, entries in written.items():
        print(f'{path}: {len(entries)} videos')
    print(f'{len(classes)} classes (labels 0..{len(classes) - 1} in '
          f'{spec.label_order})')
    return written
