"""Tests of the video transforms (sampling and the multi-scale corner crop)."""
import random

import numpy as np
import pytest
from mmaction.datasets.transforms import MultiScaleCrop
from mmengine.registry import DefaultScope

from sskt.datasets.video import (HARA_SCALES, MultiScaleCornerCrop,
                                 SampleAllClips, SampleFixedClip,
                                 corner_crop_box)
from sskt.registry import TRANSFORMS


def test_sample_all_clips_of_40_frames():
    results = SampleAllClips(16)(dict(total_frames=40, start_index=1))
    expected = list(range(1, 17)) + list(range(17, 33)) + list(range(
        33, 41)) * 2  # 1-based frame numbers, last clip looped
    np.testing.assert_array_equal(results['frame_inds'], expected)
    assert results['num_clips'] == 3 and results['clip_len'] == 16
    assert results['frame_interval'] == 1


def test_sample_fixed_clip():
    t = SampleFixedClip(clip_len=4)
    results = t(dict(total_frames=10, start_index=1, clip_start=8))
    np.testing.assert_array_equal(results['frame_inds'], [9, 10, 9, 10])
    assert results['num_clips'] == 1 and results['clip_len'] == 4
    with pytest.raises(ValueError, match='clips_per_video'):
        t(dict(total_frames=10, start_index=1))


def test_transforms_are_registered_in_sskt_scope():
    with DefaultScope.overwrite_default_scope('sskt'):
        t = TRANSFORMS.build(dict(type='SampleAllClips', clip_len=8))
        assert isinstance(t, SampleAllClips) and t.clip_len == 8
        assert isinstance(
            TRANSFORMS.build(dict(type='MultiScaleCornerCrop')),
            MultiScaleCornerCrop)
    with pytest.raises(ValueError, match='positions'):
        MultiScaleCornerCrop(positions=('c', 'middle'))
    with pytest.raises(ValueError, match='scales'):
        MultiScaleCornerCrop(scales=(1.2, ))


def coordinate_frame(height, width):
    """Pixel (y, x) holds x * 1000 + y: a crop tells where it was cut."""
    ys, xs = np.mgrid[:height, :width]
    return (xs * 1000 + ys)[..., None].repeat(3, axis=2)


def crop_of(img, scale, position):
    t = MultiScaleCornerCrop(scales=(scale, ), positions=(position, ))
    results = t(dict(imgs=[img, img + 1], img_shape=img.shape[:2]))
    out = results['imgs'][0]
    np.testing.assert_array_equal(results['imgs'][1], out + 1)  # same box
    x1, y1 = divmod(int(out[0, 0, 0]), 1000)
    assert tuple(results['crop_bbox']) == (x1, y1, x1 + out.shape[1],
                                           y1 + out.shape[0])
    assert results['img_shape'] == out.shape[:2]
    return tuple(results['crop_bbox'])


@pytest.mark.parametrize(
    'scale, boxes',
    [
        (HARA_SCALES[0],
         dict(
             c=(40, 0, 280, 240),
             tl=(0, 0, 240, 240),
             tr=(80, 0, 320, 240),
             bl=(0, 0, 240, 240),
             br=(80, 0, 320, 240))),
        # side 201; the centre box is 2 * (201 // 2) = 200 wide (original)
        (HARA_SCALES[1],
         dict(
             c=(60, 20, 260, 220),
             tl=(0, 0, 201, 201),
             tr=(119, 0, 320, 201),
             bl=(0, 39, 201, 240),
             br=(119, 39, 320, 240))),
        # 0.84089641525 ** 4 = 0.49999999999: side int(119.999...) = 119
        (HARA_SCALES[4],
         dict(
             c=(101, 61, 219, 179),
             tl=(0, 0, 119, 119),
             tr=(201, 0, 320, 119),
             bl=(0, 121, 119, 240),
             br=(201, 121, 320, 240))),
    ])
def test_corner_crop_boxes_on_a_320x240_frame(scale, boxes):
    img = coordinate_frame(240, 320)
    for position, box in boxes.items():
        assert crop_of(img, scale, position) == box
        assert corner_crop_box(240, 320, scale, position) == box


def test_corner_crop_quadrants():
    """Half-scale corner crops of a 4-quadrant frame hold one quadrant."""
    img = np.zeros((24, 32, 3), np.uint8)
    img[:12, :16], img[:12, 16:] = 10, 20  # top-left, top-right
    img[12:, :16], img[12:, 16:] = 30, 40  # bottom-left, bottom-right
    t = MultiScaleCornerCrop(scales=(0.5, ))
    seen = {}
    random.seed(0)
    for _ in range(60):
        results = t(dict(imgs=[img], img_shape=(24, 32)))
        seen[results['crop_position']] = results['imgs'][0]
    assert set(seen) == {'c', 'tl', 'tr', 'bl', 'br'}
    for position, value in dict(tl=10, tr=20, bl=30, br=40).items():
        assert seen[position].shape == (12, 12, 3)
        assert (seen[position] == value).all()
    # the centre square straddles all four quadrants equally
    assert sorted(np.unique(seen['c'], return_counts=True)[1]) == [108] * 4


def test_mmaction_multiscalecrop_is_not_exactly_the_original():
    """Same square sizes and five places, but grid-snapped offsets.

    mmaction's ``MultiScaleCrop(max_wh_scale_gap=0, random_crop=False,
    num_fixed_crops=5)`` puts corners at multiples of ``(W - side) // 4``:
    with a 201-pixel side on 320x240 its right crops start at x=116 instead
    of 119 (3 pixels short of the edge) and its centre at (58, 18) instead
    of (60, 20). This is why sskt has MultiScaleCornerCrop.
    """
    t = MultiScaleCrop(
        input_size=112,
        scales=HARA_SCALES,
        max_wh_scale_gap=0,
        random_crop=False,
        num_fixed_crops=5)
    random.seed(0)
    boxes = {
        tuple(t(dict(img_shape=(240, 320)))['crop_bbox'])
        for _ in range(2000)
    }
    ours = {
        corner_crop_box(240, 320, s, p)
        for s in HARA_SCALES
        for p in ('c', 'tl', 'tr', 'bl', 'br')
    }
    sides = {(x2 - x1, y2 - y1) for x1, y1, x2, y2 in boxes}
    assert sides == {(s, s) for s in (240, 201, 169, 142, 119)}
    # 5 places x 5 sides, but at scale 1 (240 x 240) only 3 are distinct
    assert len(boxes) == len(ours) == 23
    assert (116, 0, 317, 201) in boxes and (119, 0, 320, 201) in ours
    assert (58, 18, 259, 219) in boxes and (60, 20, 260, 220) in ours
    assert boxes != ours
