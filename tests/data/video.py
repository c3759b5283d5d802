"""Tiny video fixtures: videos, rawframe folders and official split files.

* :func:`write_video`: an MJPG ``.avi`` whose frame ``i`` is filled with
  :func:`frame_colour` ``(i)`` (OpenCV here cannot encode H.264).
* :func:`write_rawframes`: a frame folder whose frame ``k`` (1-based) is a
  uniform grey of :func:`grey_of` ``(k)``, so a decoded clip tells which
  frames it holds (uniform JPEGs decode to within 1-2 levels).
* :func:`write_ucf101_splits`, :func:`write_hmdb51_splits`,
  :func:`write_hara_json`: the official split files and Hara et al.'s JSON.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np

#: Distinct RGB colours, far apart so that MJPG + JPEG keep them apart.
PALETTE = np.array([(200, 40, 40), (40, 200, 40), (40, 40, 200),
                    (200, 200, 40), (200, 40, 200), (40, 200, 200),
                    (120, 120, 120), (230, 150, 60), (60, 150, 230),
                    (150, 60, 120), (90, 210, 130), (170, 170, 230)],
                   dtype=np.uint8)


def frame_colour(i: int) -> np.ndarray:
    """The RGB colour of frame ``i`` (0-based) of :func:`write_video`."""
    return PALETTE[i % len(PALETTE)]


def write_video(path: str,
                num_frames: int,
                width: int = 32,
                height: int = 24,
                fps: float = 25.0) -> List[np.ndarray]:
    """Write an MJPG ``.avi`` of uniform frames of distinct colours.

    Args:
        path (str): The video file (its folder is created).
        num_frames (int): Frames to write.
        width (int): Frame width. Defaults to 32.
        height (int): Frame height. Defaults to 24.
        fps (float): Frame rate. Defaults to 25.

    Returns:
        list[np.ndarray]: The RGB frames written (H x W x 3 uint8).
    """
    os.makedirs(osp.dirname(path), exist_ok=True)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), fps,
                             (width, height))
    assert writer.isOpened(), 'OpenCV cannot write MJPG here'
    frames = []
    for i in range(num_frames):
        rgb = np.empty((height, width, 3), np.uint8)
        rgb[:] = frame_colour(i)
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        frames.append(rgb)
    writer.release()
    return frames


def grey_of(k: int) -> int:
    """The grey level of frame ``k`` (1-based) of :func:`write_rawframes`."""
    return 4 * k % 256


def write_rawframes(frame_dir: str,
                    num_frames: int,
                    width: int = 32,
                    height: int = 24,
                    filename_tmpl: str = 'img_{:05}.jpg') -> None:
    """Write frames ``1..num_frames`` of uniform grey :func:`grey_of` (k).

    Args:
        frame_dir (str): The video's frame folder (created).
        num_frames (int): Frames to write.
        width (int): Frame width. Defaults to 32.
        height (int): Frame height. Defaults to 24.
        filename_tmpl (str): Frame names. Defaults to mmaction's.
    """
    os.makedirs(frame_dir, exist_ok=True)
    for k in range(1, num_frames + 1):
        img = np.full((height, width, 3), grey_of(k), np.uint8)
        cv2.imwrite(osp.join(frame_dir, filename_tmpl.format(k)), img)


def write_ucf101_splits(split_dir: str,
                        classes: Sequence[str],
                        train: Sequence[str],
                        test: Sequence[str],
                        split: int = 1) -> None:
    """Write ``classInd.txt``, ``trainlist0K.txt``, ``testlist0K.txt``.

    Args:
        split_dir (str): The ``ucfTrainTestlist/`` folder (created).
        classes (Sequence[str]): Class names; ``classInd.txt`` numbers them
            from 1 in this order.
        train (Sequence[str]): ``'<Class>/<video>.avi'`` of the train list,
            written with their 1-based class index as the official file.
        test (Sequence[str]): ``'<Class>/<video>.avi'`` of the test list.
        split (int): The split number. Defaults to 1.
    """
    os.makedirs(split_dir, exist_ok=True)
    index = {c: i + 1 for i, c in enumerate(classes)}
    with open(osp.join(split_dir, 'classInd.txt'), 'w') as f:
        f.writelines(f'{i} {c}\r\n' for c, i in index.items())
    with open(osp.join(split_dir, f'trainlist{split:02d}.txt'), 'w') as f:
        f.writelines(f'{v} {index[v.split("/")[0]]}\r\n' for v in train)
    with open(osp.join(split_dir, f'testlist{split:02d}.txt'), 'w') as f:
        f.writelines(f'{v}\r\n' for v in test)


def write_hmdb51_splits(split_dir: str,
                        videos: Dict[str, Sequence[Tuple[str, int]]],
                        split: int = 1) -> None:
    """Write ``<class>_test_split<K>.txt`` files.

    Args:
        split_dir (str): The ``testTrainMulti_7030_splits/`` folder.
        videos (dict): ``{class: [(video file name, 0|1|2)]}``.
        split (int): The split number. Defaults to 1.
    """
    os.makedirs(split_dir, exist_ok=True)
    for name, entries in videos.items():
        path = osp.join(split_dir, f'{name}_test_split{split}.txt')
        with open(path, 'w') as f:
            f.writelines(f'{video} {flag} \n' for video, flag in entries)


def write_hara_json(path: str, labels: Sequence[str],
                    database: Dict[str, Tuple[str, str]]) -> None:
    """Write an annotation JSON of Hara et al.

    Args:
        path (str): The JSON file.
        labels (Sequence[str]): Class names in label order.
        database (dict): ``{video_id: (subset, label)}``; a ``'testing'``
            subset gets no annotation, as in the original files.
    """
    data = dict(labels=list(labels), database={})
    for video_id, (subset, label) in database.items():
        entry = dict(subset=subset, annotations={})
        if subset != 'testing':
            entry['annotations'] = dict(label=label)
        data['database'][video_id] = entry
    with open(path, 'w') as f:
        json.dump(data, f)


def write_rawframe_dataset(root: str,
                           name: str = 'ucf101',
                           videos: Sequence[Tuple[str, int, int]] = (
                               ('Jump/v_Jump_g01_c01', 20,
                                0), ('Run/v_Run_g01_c01', 18, 1)),
                           width: int = 32,
                           height: int = 24) -> None:
    """Write a tiny ``data/<name>`` tree as the video dataset configs read.

    ``<root>/rawframes/<frame_dir>/img_00001.jpg, …`` (:func:`write_rawframes`)
    and ``<root>/annotations/<name>_{train,val}_split_1_rawframes.txt``, both
    listing every video: what ``configs/_base_/datasets/ucf101_rawframes.py``
    (``name='ucf101'``) and ``hmdb51_rawframes.py`` (``name='hmdb51'``) read
    with ``data_root=root``.

    Args:
        root (str): The ``data_root``.
        name (str): ``'ucf101'`` or ``'hmdb51'``. Defaults to ``'ucf101'``.
        videos (Sequence[tuple]): ``(frame_dir, frames, label)`` of each
            video. Defaults to two videos of 20 and 18 frames.
        width (int): Frame width. Defaults to 32.
        height (int): Frame height. Defaults to 24.
    """
    for frame_dir, frames, _ in videos:
        write_rawframes(
            osp.join(root, 'rawframes', frame_dir), frames, width, height)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    lines = ''.join(f'{d} {n} {label}\n' for d, n, label in videos)
    for subset in ('train', 'val'):
        path = osp.join(root, 'annotations',
                        f'{name}_{subset}_split_1_rawframes.txt')
        with open(path, 'w') as f:
            f.write(lines)
