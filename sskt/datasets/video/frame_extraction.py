"""Decode videos into JPEG frames with OpenCV (mmaction's rawframe layout).

Every frame of ``<videos_root>/<class>/<video>.avi`` becomes
``<out_root>/<class>/<video>/img_00001.jpg, …``, resized so that its short
side is ``short_side`` pixels (aspect ratio kept). A video is first written
to a hidden ``.<video>.part`` folder and renamed when complete, so an
existing frame folder is always a finished one and a re-run skips it.
``tools/dataset_converters/extract_frames.py`` is the command line.

Why not mmaction2 1.1.0's ``.mim/tools/data/build_rawframes.py --task rgb
--use-opencv --new-short 240`` (``mmaction.utils.frame_extract`` uses
``np.Inf``, gone in numpy 2, and names frames ``img_000001.jpg``)? Run on
the same generated videos, it writes the same tree, names and bytes for
videos whose short side is already 240 (all of UCF-101 and HMDB-51, which
are 240 pixels high), but otherwise it differs:

- an unreadable video is reported ``done``, recorded as a success in its
  report file, and the run exits 0 with no frame folder for it;
- the long side is floored, not rounded (340x256 -> 318x240; here 319x240,
  as 318.75 is nearer), and shrinking is bilinear, not area (pixel values
  up to 14 apart on a textured 400x300 video);
- it reads only ``--level`` 1 or 2 folders and one extension, restarts only
  from its report file, leaves the frames of an interrupted video behind,
  and runs through a module-global ``args`` and a process pool, so it
  cannot be called in-process.
"""
import os
import os.path as osp
import shutil
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

FRAME_TMPL = 'img_{:05d}.jpg'


def find_videos(videos_root: str, exts: Sequence[str]) -> List[str]:
    """Video files under ``videos_root`` (recursively), sorted.

    Args:
        videos_root (str): The folder to search.
        exts (Sequence[str]): Extensions without the dot, e.g. ``('avi',
            'mp4')``; matched case-insensitively.

    Returns:
        list[str]: Paths relative to ``videos_root``.
    """
    exts = {'.' + e.lower().lstrip('.') for e in exts}
    found = []
    for root, dirs, files in os.walk(videos_root):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
        for name in files:
            if osp.splitext(name)[1].lower() in exts:
                found.append(osp.relpath(osp.join(root, name), videos_root))
    return sorted(found)


def frame_dir_of(video: str, out_root: str) -> str:
    """``'Class/v_x.avi'`` -> ``'<out_root>/Class/v_x'``."""
    return osp.join(out_root, osp.splitext(video)[0])


def resized_shape(height: int, width: int,
                  short_side: Optional[int]) -> Tuple[int, int]:
    """The ``(height, width)`` with the short side at ``short_side``.

    Args:
        height (int): Frame height.
        width (int): Frame width.
        short_side (int, optional): The wanted short side; None or 0 keeps
            the size.

    Returns:
        tuple[int, int]: The new height and width; the long side is
        rounded to the nearest pixel.
    """
    if not short_side or min(height, width) == short_side:
        return height, width
    scale = short_side / min(height, width)
    if height <= width:
        return short_side, max(1, round(width * scale))
    return max(1, round(height * scale)), short_side


def extract_video(video_path: str,
                  frame_dir: str,
                  short_side: Optional[int] = 240,
                  quality: int = 95) -> int:
    """Write every frame of a video as ``img_00001.jpg, …`` in ``frame_dir``.

    Frames go to ``.<name>.part`` next to ``frame_dir`` first, which is
    renamed to ``frame_dir`` once the video is fully decoded; a left-over
    ``.part`` folder from an interrupted run is replaced.

    Args:
        video_path (str): The video file.
        frame_dir (str): The frame folder to create.
        short_side (int, optional): Resize so the short side has this many
            pixels (area interpolation when shrinking, bilinear when
            enlarging); None or 0 keeps the size. Defaults to 240.
        quality (int): JPEG quality, 0..100. Defaults to 95 (OpenCV's).

    Returns:
        int: The number of frames written.

    Raises:
        RuntimeError: If the video cannot be opened or has no decodable
            frame; nothing is left behind then.
    """
    parent, name = osp.split(osp.normpath(frame_dir))
    part = osp.join(parent, f'.{name}.part')
    cap = cv2.VideoCapture(video_path)
    try:
        if not cap.isOpened():
            raise RuntimeError('OpenCV cannot open it')
        if osp.isdir(part):
            shutil.rmtree(part)
        os.makedirs(part)
        count = 0
        params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frame = _resize(frame, short_side)
            count += 1
            path = osp.join(part, FRAME_TMPL.format(count))
            if not cv2.imwrite(path, frame, params):
                raise RuntimeError(f'OpenCV cannot write {path}')
    except Exception:
        shutil.rmtree(part, ignore_errors=True)
        raise
    finally:
        cap.release()
    if count == 0:
        shutil.rmtree(part, ignore_errors=True)
        raise RuntimeError('OpenCV decodes no frame from it')
    os.rename(part, frame_dir)
    return count


def _resize(frame: np.ndarray, short_side: Optional[int]) -> np.ndarray:
    """Resize a frame to :func:`resized_shape`."""
    height, width = frame.shape[:2]
    new_h, new_w = resized_shape(height, width, short_side)
    if (new_h, new_w) == (height, width):
        return frame
    shrink = new_h < height
    return cv2.resize(
        frame, (new_w, new_h),
        interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def extract_task(
        task: Tuple[str, str, Optional[int], int]) -> Tuple[str, int, str]:
    """:func:`extract_video` for a worker process; never raises.

    Args:
        task (tuple): ``(video_path, frame_dir, short_side, quality)``.

    Returns:
        tuple: ``(video_path, frames written, '')``, or ``(video_path, 0,
        reason)`` when the video could not be read.
    """
    video_path, frame_dir, short_side, quality = task
    try:
        return video_path, extract_video(video_path, frame_dir, short_side,
                                         quality), ''
    except Exception as err:  # reported at the end, never a crash
        return video_path, 0, f'{type(err).__name__}: {err}'
