"""The checks of one sample's files or record (sample_checks.py)."""
import cv2
import numpy as np
import pytest

from sskt.datasets import sample_checks
from sskt.datasets.sample_checks import (image_file_problem, info_files,
                                         record_problem)
from tests.data.voc import draw_image


@pytest.fixture
def jpeg(tmp_path):
    path = str(tmp_path / 'a.jpg')
    assert cv2.imwrite(path, draw_image(0, (48, 64)))
    return path


def test_sound_missing_and_empty_files(jpeg, tmp_path):
    assert image_file_problem(jpeg) is None
    assert image_file_problem(str(tmp_path / 'b.jpg')) == 'does not exist'
    (tmp_path / 'c.jpg').write_bytes(b'')
    assert image_file_problem(str(tmp_path / 'c.jpg')) == 'is empty (0 bytes)'


def test_truncation_is_found_where_opencv_decodes_it(jpeg, monkeypatch):
    """Some OpenCV builds decode a truncated JPEG partially, silently."""
    with open(jpeg, 'rb') as f:
        data = f.read()
    with open(jpeg, 'wb') as f:
        f.write(data[:len(data) * 3 // 4])
    assert image_file_problem(jpeg).startswith('cannot be decoded by OpenCV')
    monkeypatch.setattr(sample_checks.cv2, 'imdecode', lambda *args: np.zeros(
        (48, 64, 3), np.uint8))
    problem = image_file_problem(jpeg)
    assert problem.startswith('is truncated or corrupt: PIL reports "')
    assert 'truncated' in problem[len('is truncated'):]


def test_rawframe_infos_list_every_frame():
    info = dict(
        frame_dir='v',
        total_frames=3,
        filename_tmpl='img_{:05}.jpg',
        start_index=1,
        offset=10,
        modality='RGB')
    assert info_files(info) == [
        'v/img_00011.jpg', 'v/img_00012.jpg', 'v/img_00013.jpg'
    ]
    flow = dict(
        info,
        filename_tmpl='{}_{:05d}.jpg',
        modality='Flow',
        total_frames=1,
        offset=0)
    assert info_files(flow) == ['v/x_00001.jpg', 'v/y_00001.jpg']
    assert info_files(dict(img_path='a.jpg')) == ['a.jpg']
    assert info_files(dict(img=np.zeros(1))) == []


def test_records():
    img = np.zeros((32, 32, 3), np.uint8)
    assert record_problem(dict(img=img, gt_label=9), (32, 32, 3), 10) is None
    assert record_problem(
        dict(img=img.astype(np.float32), gt_label=0), (32, 32, 3),
        10) == ('has img of shape (32, 32, 3) and dtype float32, expected '
                '(32, 32, 3) uint8')
    assert record_problem(dict(img=img, gt_label=-1), (32, 32, 3),
                          10) == 'has gt_label -1, expected an int in 0..9'
    assert record_problem(
        dict(img=img, gt_label=-1), (32, 32, 3), 10, unlabelled=True) is None
    assert record_problem(dict(img=None, gt_label=0), (32, 32, 3),
                          10).startswith('has img of type NoneType')
