"""Tests of the original's clip sampling rules."""
import numpy as np
import pytest

from sskt.datasets.video import (all_clip_starts, loop_padded_clip,
                                 val_clip_starts)


@pytest.mark.parametrize(
    'n, starts',
    [
        (100, [0, 42, 84]),  # step ceil(83 / 2) = 42
        (48, [0, 16, 32]),  # the shortest video with exactly 3 clips
        (47, [0, 15, 30, 45]),  # step 15, and 45 < 46: a 4th clip
        (20, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]),  # step ceil(3 / 2) = 2
        (16, list(range(15))),  # step max(1, ceil(-1 / 2)) = 1
        (2, [0]),
        (1, [0]),  # the original gives no clip at all
    ])
def test_val_clip_starts(n, starts):
    assert val_clip_starts(n, 16, 3) == starts


def test_val_clip_starts_other_counts():
    assert val_clip_starts(100, 16, 5) == [0, 21, 42, 63, 84]
    assert val_clip_starts(100, 8, 2) == [0, 91]
    with pytest.raises(ValueError, match='at least 2'):
        val_clip_starts(100, 16, 1)


@pytest.mark.parametrize(
    'n, starts',
    [
        (40, [0, 16, 32]),
        (32, [0, 16]),
        (33, [0, 16]),  # the original's range(1, n, 16) leaves frame 33 out
        (34, [0, 16, 32]),
        (16, [0]),
        (5, [0]),
        (1, [0]),
    ])
def test_all_clip_starts(n, starts):
    assert all_clip_starts(n, 16) == starts


def test_loop_padded_clip_repeats_its_own_frames():
    np.testing.assert_array_equal(loop_padded_clip(0, 40), np.arange(16))
    np.testing.assert_array_equal(
        loop_padded_clip(32, 40),
        list(range(32, 40)) * 2)
    np.testing.assert_array_equal(
        loop_padded_clip(34, 40, 8), [34, 35, 36, 37, 38, 39, 34, 35])
    np.testing.assert_array_equal(
        loop_padded_clip(0, 3, 7), [0, 1, 2] * 2 + [0])
    with pytest.raises(ValueError, match='outside the video'):
        loop_padded_clip(40, 40)
