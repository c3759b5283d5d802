"""Video targets: UCF-101 and HMDB-51 as mmaction rawframe datasets.

The frames and lists follow mmaction's rawframe layout; the clip sampling,
crops and metrics follow the original (Hara et al.'s) code. See
``docs/dataset_prepare.md`` and
``configs/_base_/datasets/ucf101_rawframes.py``.
"""
from .clip_sampling import (all_clip_starts, loop_padded_clip, val_clip_starts)
from .rawframe_dataset import VideoRawframeDataset
from .transforms import (HARA_SCALES, MultiScaleCornerCrop, SampleAllClips,
                         SampleFixedClip, corner_crop_box)

__all__ = [
    'VideoRawframeDataset', 'SampleAllClips', 'SampleFixedClip',
    'MultiScaleCornerCrop', 'HARA_SCALES', 'corner_crop_box',
    'all_clip_starts', 'val_clip_starts', 'loop_padded_clip'
]
