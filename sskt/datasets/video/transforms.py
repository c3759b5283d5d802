"""Video transforms of the original pipeline that mmaction2 lacks.

* :class:`SampleAllClips`: every non-overlapping clip of a video (the
  original's test), the last one loop-padded with its own frames. mmaction's
  ``SampleFrames`` takes a fixed number of clips and wraps around the whole
  video instead.
* :class:`SampleFixedClip`: the one clip that a sample of
  :class:`~sskt.datasets.video.VideoRawframeDataset` built with
  ``clips_per_video`` starts at (the original's validation clips).
* :class:`MultiScaleCornerCrop`: the original's training crop. mmaction's
  ``MultiScaleCrop(scales, max_wh_scale_gap=0, random_crop=False,
  num_fixed_crops=5)`` draws the same square sizes from the same five places,
  but puts them on a grid of ``(W - size) // 4`` steps: its right/bottom
  crops stop up to 3 pixels short of the edge, its centre crop is off by up
  to 2, and it snaps sizes within 3 pixels of ``input_size`` to it. This one
  uses the original's boxes exactly.

All three are registered in ``sskt.registry.TRANSFORMS``; in a config with
``default_scope='sskt'`` they are named bare (``type='SampleAllClips'``) and
mmaction's with their scope (``type='mmaction.RawFrameDecode'``).
"""
import random
from typing import Dict, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from sskt.registry import TRANSFORMS
from sskt.utils.errors import ConfigError
from .clip_sampling import all_clip_starts, loop_padded_clip

#: The original's scales: 1.0 times ``scale_step = 0.84089641525`` (about
#: 2^-1/4) to the powers 0..4. The last is 0.49999999999, not 0.5: on a
#: 240-pixel short side the smallest crop is ``int(119.999…) = 119`` pixels.
HARA_SCALES: Tuple[float, ...] = tuple(0.84089641525**i for i in range(5))
#: Centre, top-left, top-right, bottom-left, bottom-right.
CORNER_POSITIONS: Tuple[str, ...] = ('c', 'tl', 'tr', 'bl', 'br')


def _set_clips(results: Dict, frame_inds: np.ndarray, clip_len: int,
               num_clips: int) -> Dict:
    """Store sampled 0-based indices the way mmaction's SampleFrames does."""
    inds = frame_inds + results.get('start_index', 0)
    results['frame_inds'] = inds.astype(np.int32)
    results['clip_len'] = clip_len
    results['frame_interval'] = 1
    results['num_clips'] = num_clips
    return results


@TRANSFORMS.register_module()
class SampleAllClips(BaseTransform):
    """Sample every non-overlapping ``clip_len``-frame clip of a video.

    As the original's test: clips start at ``0, clip_len, 2 clip_len, …``
    below ``total_frames - 1``; a clip cut short by the end of the video is
    filled by repeating its own frames (``LoopPadding``). A 40-frame video
    gives 3 clips, the last being frames 32..39, 32..39 (0-based). See
    :mod:`sskt.datasets.video.clip_sampling`.

    The number of clips varies with the video, so use batch size 1, and let
    the head average the clips' softmax (``average_clips='prob'``).

    Required keys: ``total_frames``, ``start_index``. Added keys:
    ``frame_inds``, ``clip_len``, ``frame_interval`` (1), ``num_clips``.

    Args:
        clip_len (int): Frames per clip. Defaults to 16.
    """

    def __init__(self, clip_len: int = 16) -> None:
        if not isinstance(clip_len, int) or clip_len < 1:
            raise ConfigError(
                f'SampleAllClips: clip_len must be a positive int, got '
                f'{clip_len!r}')
        self.clip_len = clip_len

    def transform(self, results: Dict) -> Dict:
        """Sample the clips.

        Args:
            results (dict): The sample, with ``total_frames``.

        Returns:
            dict: ``results`` with the frame indices of all clips.
        """
        total = results['total_frames']
        starts = all_clip_starts(total, self.clip_len)
        inds = np.concatenate(
            [loop_padded_clip(s, total, self.clip_len) for s in starts])
        return _set_clips(results, inds, self.clip_len, len(starts))

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(clip_len={self.clip_len})'


@TRANSFORMS.register_module()
class SampleFixedClip(BaseTransform):
    """Sample the one clip that starts at the sample's ``clip_start``.

    :class:`~sskt.datasets.video.VideoRawframeDataset` with
    ``clips_per_video`` makes one sample per validation clip and gives each
    its 0-based ``clip_start``; this transform turns it into the clip's
    frames, loop-padded like the original's (see
    :func:`~sskt.datasets.video.clip_sampling.loop_padded_clip`).

    Required keys: ``total_frames``, ``start_index``, ``clip_start``. Added
    keys: ``frame_inds``, ``clip_len``, ``frame_interval`` (1),
    ``num_clips`` (1).

    Args:
        clip_len (int): Frames per clip; should equal the dataset's
            ``clip_len``. Defaults to 16.
    """

    def __init__(self, clip_len: int = 16) -> None:
        if not isinstance(clip_len, int) or clip_len < 1:
            raise ConfigError(
                f'SampleFixedClip: clip_len must be a positive int, got '
                f'{clip_len!r}')
        self.clip_len = clip_len

    def transform(self, results: Dict) -> Dict:
        """Sample the clip.

        Args:
            results (dict): The sample, with ``total_frames`` and
                ``clip_start``.

        Returns:
            dict: ``results`` with the frame indices of the clip.
        """
        if 'clip_start' not in results:
            raise ConfigError(
                'SampleFixedClip needs the clip_start of each sample: build '
                'the dataset as VideoRawframeDataset(clips_per_video=3, ...) '
                '(one sample per validation clip), or sample with '
                'mmaction.SampleFrames / SampleAllClips instead.')
        inds = loop_padded_clip(results['clip_start'], results['total_frames'],
                                self.clip_len)
        return _set_clips(results, inds, self.clip_len, 1)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(clip_len={self.clip_len})'


def corner_crop_box(img_h: int, img_w: int, scale: float,
                    position: str) -> Tuple[int, int, int, int]:
    """The original's ``MultiScaleCornerCrop`` box.

    The side is ``int(min(img_h, img_w) * scale)``. Corners are flush with
    the image's edges; the centre box is ``[W // 2 - side // 2,
    W // 2 + side // 2)`` (and the same in y), so an odd side loses a pixel
    there, as in the original.

    Args:
        img_h (int): Image height.
        img_w (int): Image width.
        scale (float): Side over the short side of the image, in (0, 1].
        position (str): One of ``'c', 'tl', 'tr', 'bl', 'br'``.

    Returns:
        tuple[int, int, int, int]: ``(x1, y1, x2, y2)``, right/bottom
        exclusive.
    """
    side = int(min(img_h, img_w) * scale)
    if position == 'c':
        half = side // 2
        cx, cy = img_w // 2, img_h // 2
        return cx - half, cy - half, cx + half, cy + half
    x1 = 0 if position in ('tl', 'bl') else img_w - side
    y1 = 0 if position in ('tl', 'tr') else img_h - side
    return x1, y1, x1 + side, y1 + side


@TRANSFORMS.register_module()
class MultiScaleCornerCrop(BaseTransform):
    """Crop one random square of a random scale at a random corner or centre.

    The original's training crop (Hara et al.'s ``MultiScaleCornerCrop``):
    for each clip, draw ``scale`` from ``scales`` and ``position`` from
    ``positions`` once, and cut the same box (:func:`corner_crop_box`) out of
    every frame. Resize to 112x112 afterwards with
    ``dict(type='mmaction.Resize', scale=(112, 112), keep_ratio=False)``.

    Required keys: ``imgs``, ``img_shape``. Modified keys: ``imgs``,
    ``img_shape``. Added keys: ``crop_bbox`` (x1, y1, x2, y2),
    ``crop_scale``, ``crop_position``.

    Args:
        scales (Sequence[float]): Candidate sides over the short side.
            Defaults to :data:`HARA_SCALES` (1, 0.8409, 0.7071, 0.5946, 0.5).
        positions (Sequence[str]): Candidate positions among ``'c', 'tl',
            'tr', 'bl', 'br'``. Defaults to all five.
    """

    def __init__(self,
                 scales: Sequence[float] = HARA_SCALES,
                 positions: Sequence[str] = CORNER_POSITIONS) -> None:
        scales = tuple(float(s) for s in scales)
        if not scales or any(not 0 < s <= 1 for s in scales):
            raise ConfigError('MultiScaleCornerCrop: scales must be a '
                              f'non-empty list in (0, 1], got {scales}')
        positions = tuple(positions)
        bad = [p for p in positions if p not in CORNER_POSITIONS]
        if not positions or bad:
            raise ConfigError(f'MultiScaleCornerCrop: positions must be among '
                              f'{CORNER_POSITIONS}, got {positions}')
        self.scales = scales
        self.positions = positions

    def transform(self, results: Dict) -> Dict:
        """Crop every frame of the sample with one random box.

        Args:
            results (dict): The sample, with ``imgs`` (H x W x C frames).

        Returns:
            dict: ``results`` with the cropped frames.
        """
        img_h, img_w = results['img_shape']
        scale = random.choice(self.scales)
        position = random.choice(self.positions)
        x1, y1, x2, y2 = corner_crop_box(img_h, img_w, scale, position)
        results['imgs'] = [img[y1:y2, x1:x2] for img in results['imgs']]
        results['img_shape'] = (y2 - y1, x2 - x1)
        results['crop_bbox'] = np.array([x1, y1, x2, y2])
        results['crop_scale'] = scale
        results['crop_position'] = position
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scales={self.scales}, '
                f'positions={self.positions})')
