"""Decode videos into JPEG frames for mmaction's rawframe datasets.

Every ``VIDEOS_ROOT/<class>/<video>.<ext>`` (any depth) becomes
``OUT_ROOT/<class>/<video>/img_00001.jpg, …``, resized with OpenCV so that
the short side is ``--short-side`` pixels (aspect ratio kept; Hara et al.'s
frames for UCF-101 / HMDB-51 are 240 pixels high). Videos whose frame
folder exists are skipped, so an interrupted run can simply be restarted
(each video is written to a hidden ``.part`` folder and renamed when
complete). Videos OpenCV cannot read are listed at the end and the tool
exits with status 1; the others are extracted. See docs/dataset_prepare.md.

Examples::

    python tools/dataset_converters/extract_frames.py \\
        data/ucf101/UCF-101 data/ucf101/rawframes --workers 8
    python tools/dataset_converters/extract_frames.py \\
        data/hmdb51/videos data/hmdb51/rawframes --ext avi
"""
import argparse
import multiprocessing
import os.path as osp
import sys
from typing import Dict, List, Optional

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
try:
    import sskt  # noqa: F401  (checks the stack)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from sskt.datasets.video.frame_extraction import (  # noqa: E402
    extract_task, find_videos, frame_dir_of)
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import ConfigError, MissingFileError  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Decode videos into img_00001.jpg, … frame folders')
    parser.add_argument('videos_root', help='folder of <class>/<video> files')
    parser.add_argument('out_root', help='where the frame folders go')
    parser.add_argument(
        '--short-side',
        type=int,
        default=240,
        help='resize so the short side has this many pixels; 0 keeps the '
        'size. Default: 240')
    parser.add_argument(
        '--ext',
        nargs='+',
        default=['avi', 'mp4'],
        help='video file extensions. Default: avi mp4')
    parser.add_argument(
        '--workers',
        type=int,
        default=1,
        help='parallel processes. Default: 1')
    parser.add_argument(
        '--quality',
        type=int,
        default=95,
        help='JPEG quality 0..100. Default: 95')
    return parser.parse_args(argv)


class _Progress:
    """A progress bar: tqdm when installed, else mmengine's ProgressBar."""

    def __init__(self, total: int) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            self.bar = tqdm(total=total, unit='video')
        else:
            from mmengine.utils import ProgressBar
            self.bar = ProgressBar(total)
        self.is_tqdm = tqdm is not None

    def update(self) -> None:
        """Count one more video."""
        if self.is_tqdm:
            self.bar.update(1)
        else:
            self.bar.update()

    def close(self) -> None:
        """End the bar's line."""
        if self.is_tqdm:
            self.bar.close()
        else:
            sys.stdout.write('\n')


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, list]:
    """Extract the frames of every video not done yet.

    Returns:
        dict: ``done=[(video, frames written)]``, ``skipped=[video]`` (frame
        folder already there) and ``failed=[(video, reason)]``, the videos
        relative to ``videos_root``.
    """
    args = parse_args(argv)
    if not osp.isdir(args.videos_root):
        raise MissingFileError(
            f'{args.videos_root} is not a folder; pass the folder of the '
            'extracted videos, e.g. data/ucf101/UCF-101 (see '
            'docs/dataset_prepare.md).')
    if args.workers < 1 or args.short_side < 0 or not 0 <= args.quality <= 100:
        raise ConfigError('--workers must be >= 1, --short-side >= 0 and '
                          '--quality in 0..100')
    videos = find_videos(args.videos_root, args.ext)
    if not videos:
        raise MissingFileError(
            f'{args.videos_root} holds no video with extension '
            f'{" / ".join(args.ext)}; pass the folder of the extracted '
            'videos or other --ext (see docs/dataset_prepare.md).')
    result: Dict[str, list] = dict(done=[], skipped=[], failed=[])
    tasks, relative = [], {}
    for video in videos:
        frame_dir = frame_dir_of(video, args.out_root)
        if osp.isdir(frame_dir):
            result['skipped'].append(video)
            continue
        path = osp.join(args.videos_root, video)
        relative[path] = video
        tasks.append((path, frame_dir, args.short_side, args.quality))
    print(f'{len(videos)} videos, {len(result["skipped"])} already '
          f'extracted, {len(tasks)} to go')
    if tasks:
        progress = _Progress(len(tasks))
        if args.workers == 1:
            outputs = map(extract_task, tasks)
        else:
            pool = multiprocessing.Pool(args.workers)
            outputs = pool.imap_unordered(extract_task, tasks)
        for path, count, reason in outputs:
            if reason:
                result['failed'].append((relative[path], reason))
            else:
                result['done'].append((relative[path], count))
            progress.update()
        progress.close()
        if args.workers > 1:
            pool.close()
            pool.join()
    result['done'].sort()
    result['failed'].sort()
    print(f'{len(result["done"])} videos extracted to {args.out_root}')
    if result['failed']:
        print(f'{len(result["failed"])} videos could not be read (no frame '
              'folder written; check or re-download them, then run again):')
        for video, reason in result['failed']:
            print(f'  {osp.join(args.videos_root, video)}: {reason}')
    return result


if __name__ == '__main__':
    sys.exit(1 if main()['failed'] else 0)
