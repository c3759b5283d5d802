"""Which frames make each clip: the original's (Hara et al.'s) rules.

SSKT's video code (3D-ResNets-PyTorch by Hara et al.) turns a video of ``n``
frames into clips of ``clip_len`` frames as follows (0-based frame indices
here; the original counts from 1):

* **validation** (``n_val_samples=3``): clips start at ``0, step, 2 step, …``
  while the start is below ``n - 1``, with
  ``step = max(1, ceil((n - 1 - clip_len) / (n_val_samples - 1)))``. That is
  3 clips for ``n >= 48`` and more for shorter videos (e.g. 4 for 47 frames,
  10 for 20 frames), exactly as the original.
* **test**: non-overlapping clips, ``step = clip_len``, again while the start
  is below ``n - 1``; so with ``n = 33`` the last frame is left out (the
  original's ``range(1, n_frames, step)``).

A clip holds frames ``start .. min(n, start + clip_len) - 1``; a clip cut
short by the end of the video is filled by repeating **its own** frames
(the original's ``LoopPadding``): the last clip of a 40-frame video is
frames 32..39 followed by 32..39 again. A 1-frame video, for which the
original gives no clip at all, gets one clip of that frame.
"""
import math
from typing import List

import numpy as np

from sskt.utils.errors import ConfigError


def _check(total_frames: int, clip_len: int) -> None:
    if total_frames < 1:
        raise ValueError(f'a video needs at least 1 frame, got {total_frames}')
    if clip_len < 1:
        raise ConfigError(f'clip_len must be a positive int, got {clip_len}')


def clip_starts(total_frames: int, step: int) -> List[int]:
    """The original's clip starts: ``range(0, total_frames - 1, step)``.

    Args:
        total_frames (int): Frames in the video (at least 1).
        step (int): Distance between consecutive starts (at least 1).

    Returns:
        list[int]: 0-based start frames; ``[0]`` for a 1-frame video.
    """
    return list(range(0, total_frames - 1, step)) or [0]


def val_clip_starts(total_frames: int,
                    clip_len: int = 16,
                    num_samples: int = 3) -> List[int]:
    """Starts of the original's validation clips of one video.

    Args:
        total_frames (int): Frames in the video.
        clip_len (int): Frames per clip (``sample_duration``). Defaults to 16.
        num_samples (int): The original's ``n_val_samples`` (at least 2).
            Defaults to 3.

    Returns:
        list[int]: 0-based start frames. With the defaults: 3 starts for a
        video of at least 48 frames, more for a shorter one (see the module
        docstring).
    """
    _check(total_frames, clip_len)
    if num_samples < 2:
        raise ConfigError('num_samples (clips per video) must be at least 2, '
                          f'got {num_samples}')
    step = max(1, math.ceil((total_frames - 1 - clip_len) / (num_samples - 1)))
    return clip_starts(total_frames, step)


def all_clip_starts(total_frames: int, clip_len: int = 16) -> List[int]:
    """Starts of the original's test clips: all non-overlapping clips.

    Args:
        total_frames (int): Frames in the video.
        clip_len (int): Frames per clip. Defaults to 16.

    Returns:
        list[int]: ``0, clip_len, 2 clip_len, …`` below ``total_frames - 1``.
    """
    _check(total_frames, clip_len)
    return clip_starts(total_frames, clip_len)


def loop_padded_clip(start: int,
                     total_frames: int,
                     clip_len: int = 16) -> np.ndarray:
    """0-based frame indices of the clip that starts at ``start``.

    Frames ``start .. min(total_frames, start + clip_len) - 1``, repeated
    cyclically up to ``clip_len`` (the original's ``LoopPadding``).

    Args:
        start (int): The first frame, in ``[0, total_frames)``.
        total_frames (int): Frames in the video.
        clip_len (int): Frames per clip. Defaults to 16.

    Returns:
        np.ndarray: ``(clip_len, )`` int64 indices.
    """
    _check(total_frames, clip_len)
    if not 0 <= start < total_frames:
        raise ValueError(f'clip start {start} is outside the video '
                         f'(0..{total_frames - 1})')
    frames = np.arange(start, min(total_frames, start + clip_len))
    return np.resize(frames, clip_len).astype(np.int64)
