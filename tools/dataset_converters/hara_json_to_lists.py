"""Write mmaction rawframe lists from an annotation JSON of Hara et al.

The original SSKT video code (Hara et al.'s 3D-ResNets-PyTorch) reads
frames ``<frames_root>/<label>/<video_id>/image_00001.jpg, …`` with an
``n_frames`` file per video, and an annotation JSON (``ucf101_01.json``:
``{"labels": [...], "database": {video_id: {"subset":
"training"|"validation", "annotations": {"label": name}}}}``). This tool
writes ``<out_dir>/<name>_{train,val}_split_<K>_rawframes.txt`` that point to
those frames as they are: ``training`` is train, ``validation`` val, labels
0-based in ``labels`` order, frame counts from ``n_frames`` (or counted). The
frames keep their names, so the dataset needs
``filename_tmpl='image_{:05d}.jpg'`` and ``data_prefix=dict(img=<frames
root>)``; the tool prints both. See docs/dataset_prepare.md.

Examples::

    python tools/dataset_converters/hara_json_to_lists.py \\
        ucf101_01.json data/ucf101/jpg data/ucf101/annotations
    python tools/dataset_converters/hara_json_to_lists.py \\
        hmdb51_1.json data/hmdb51/jpg data/hmdb51/annotations
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
    ListEntry, hara_frame_count, hara_split, name_and_split, write_split_lists)
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import ConfigError  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Write rawframe lists from Hara et al.'s annotation JSON")
    parser.add_argument('annotation', help='e.g. ucf101_01.json')
    parser.add_argument(
        'frames_root', help='the folder of <label>/<video_id>/ frames')
    parser.add_argument('out_dir', help='where to write the lists')
    parser.add_argument(
        '--name',
        help='list prefix, e.g. ucf101. Default: from the JSON file name '
        '(ucf101_01.json -> ucf101)')
    parser.add_argument(
        '--split',
        type=int,
        help='split number in the list names. Default: from the JSON file '
        'name (ucf101_01.json -> 1)')
    parser.add_argument(
        '--filename-tmpl',
        default='image_{:05d}.jpg',
        help='frame file names, counted when a video has no n_frames file. '
        'Default: image_{:05d}.jpg')
    parser.add_argument(
        '--skip-missing',
        action='store_true',
        help='leave out videos without frames (the original skips those '
        'whose n_frames is 0) instead of stopping')
    return parser.parse_args(argv)


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, List[ListEntry]]:
    """Write the lists; returns ``{list path: its entries}``."""
    args = parse_args(argv)
    name, split = name_and_split(args.annotation)
    name = args.name or name
    split = args.split if args.split is not None else split
    if name is None or split is None:
        raise ConfigError(f'Cannot tell the dataset name and split from '
                          f'{osp.basename(args.annotation)!r} (expected e.g. '
                          'ucf101_01.json); pass --name and --split.')
    classes, videos = hara_split(args.annotation)
    written = write_split_lists(
        videos,
        args.frames_root,
        args.out_dir,
        name,
        split,
        lambda d: hara_frame_count(d, args.filename_tmpl),
        args.skip_missing,
        dataset=name.upper())
    for path, entries in written.items():
        print(f'{path}: {len(entries)} videos')
    print(f'{len(classes)} classes (labels in the JSON\'s "labels" order). '
          'Dataset settings for these lists: '
          f'data_prefix=dict(img={args.frames_root!r}), '
          f'filename_tmpl={args.filename_tmpl!r}')
    return written


if __name__ == '__main__':
    main()
