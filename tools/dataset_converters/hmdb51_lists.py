"""Write mmaction rawframe lists for an official HMDB-51 split.

Reads the ``<class>_test_splitK.txt`` files of the official
``test_train_splits.rar`` (``testTrainMulti_7030_splits/``; lines
``<video>.avi 1|2|0``: 1 train, 2 test, 0 unused) and counts the extracted
frames of each video, then writes
``<out-dir>/hmdb51_train_split_K_rawframes.txt`` (flag 1) and
``hmdb51_val_split_K_rawframes.txt`` (flag 2) with ``<class>/<video>
<frames> <label>`` lines. Labels are 0-based in **alphabetical** class order
(as Hara et al.'s ``hmdb51_json.py``). See docs/dataset_prepare.md.

Examples::

    python tools/dataset_converters/hmdb51_lists.py data/hmdb51 --split 1
"""
import argparse
import os.path as osp
import sys
from typing import Dict, List, Optional

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
try:
    import sskt  # noqa: F401  (checks the stack)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from sskt.datasets.video.rawframe_lists import (  # noqa: E402
    ListEntry, count_frames, hmdb51_split, write_split_lists)
from sskt.utils.cli import exit_on_user_error  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Write rawframe lists for official HMDB-51 splits')
    parser.add_argument('root', help='the dataset folder, e.g. data/hmdb51')
    parser.add_argument(
        '--split',
        type=int,
        nargs='+',
        default=[1],
        choices=[1, 2, 3],
        help='official split(s). Default: 1 (the paper\'s)')
    parser.add_argument(
        '--splits-dir',
        help='folder of the <class>_test_split<K>.txt files. '
        'Default: ROOT/testTrainMulti_7030_splits')
    parser.add_argument(
        '--frames-dir',
        help='the extracted frames, ROOT/rawframes by default '
        '(<class>/<video>/img_00001.jpg, …)')
    parser.add_argument(
        '--out-dir',
        help='where to write the lists. Default: '
        'ROOT/annotations')
    parser.add_argument(
        '--filename-tmpl',
        default='img_{:05}.jpg',
        help='frame file names, counted from 1. Default: img_{:05}.jpg')
    parser.add_argument(
        '--skip-missing',
        action='store_true',
        help='leave out videos without frames instead of stopping')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, List[ListEntry]]:
    """Write the lists; returns ``{list path: its entries}``."""
    args = parse_args(argv)
    splits_dir = args.splits_dir or osp.join(args.root,
                                             'testTrainMulti_7030_splits')
    frames_dir = args.frames_dir or osp.join(args.root, 'rawframes')
    out_dir = args.out_dir or osp.join(args.root, 'annotations')
    written = {}
    for split in args.split:
        classes, videos = hmdb51_split(splits_dir, split)
        written.update(
            write_split_lists(
                videos,
                frames_dir,
                out_dir,
                'hmdb51',
                split,
                lambda d: count_frames(d, args.filename_tmpl),
                args.skip_missing,
                dataset='HMDB51'))
    for path, entries in written.items():
        print(f'{path}: {len(entries)} videos')
    print(f'{len(classes)} classes (labels 0..{len(classes) - 1} in '
          'alphabetical order)')
    return written


if __name__ == '__main__':
    main()
