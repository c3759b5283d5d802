"""Rawframe lists from the official UCF-101 / HMDB-51 splits or Hara's JSON.

mmaction's rawframe list has one ``<frame_dir> <total_frames> <label>`` line
per video, ``frame_dir`` relative to the frames root (the dataset's
``data_prefix['img']``) and labels 0-based. The readers here turn each
official split format into ``{'train': [(frame_dir, label)], 'val': [...]}``
plus the class names, in label order:

* UCF-101 (``ucfTrainTestlist/``): ``classInd.txt`` (``1 ApplyEyeMakeup``)
  gives the labels (its index minus one); ``trainlist0K.txt``
  (``ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1``) is train and
  ``testlist0K.txt`` (no label) is val.
* HMDB-51 (``testTrainMulti_7030_splits/``): ``<class>_test_splitK.txt``
  lines ``<video>.avi <1|2|0>``: 1 train, 2 test (our val), 0 unused.
  Classes are sorted alphabetically (as Hara et al.'s ``hmdb51_json.py``).
* Hara et al.'s JSON (``ucf101_01.json``): ``labels`` in label order,
  ``database[video_id]`` with ``subset`` ``'training'`` (train) or
  ``'validation'`` (val) and ``annotations.label``; the frame folder is
  ``<label>/<video_id>``. Other subsets (``'testing'``) are skipped.

:func:`write_split_lists` then counts each video's frames on disk and writes
``<name>_{train,val}_split_<K>_rawframes.txt``.
"""
import glob
import json
import os
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from sskt.utils.errors import MissingFileError
from ..dataset_errors import dataset_file_error, require_file

#: ``(frame_dir, label)`` of a video, ``frame_dir`` relative to the frames.
Video = Tuple[str, int]
#: ``(frame_dir, total_frames, label)``: one line of a rawframe list.
ListEntry = Tuple[str, int, int]
#: ``(class names in label order, {'train': [...], 'val': [...]})``.
Split = Tuple[List[str], Dict[str, List[Video]]]

SUBSETS = ('train', 'val')
UCF_HINT = ('Extract the official UCF101TrainTestSplits-RecognitionTask.zip '
            'so that this file exists')
HMDB_HINT = ('Extract the official test_train_splits.rar so that the '
             '<class>_test_split<K>.txt files exist')
HARA_HINT = ("Use the annotation JSON of Hara et al.'s 3D-ResNets-PyTorch "
             '(e.g. ucf101_01.json from its utils/ucf101_json.py)')


def _lines(path: str) -> List[Tuple[int, str]]:
    """Non-blank stripped lines of a text file with their 1-based numbers."""
    with open(path) as f:
        return [(i, line.strip()) for i, line in enumerate(f, 1)
                if line.strip()]


def _strip_ext(path: str) -> str:
    """``'Class/v_x.avi'`` -> ``'Class/v_x'``."""
    return osp.splitext(path)[0]


def ucf101_split(split_dir: str, split: int) -> Split:
    """Read one official UCF-101 split.

    Args:
        split_dir (str): The extracted ``ucfTrainTestlist/`` folder.
        split (int): 1, 2 or 3.

    Returns:
        tuple: Class names in label order (``classInd.txt`` order) and
        ``{'train': [(frame_dir, label)], 'val': [...]}``, ``frame_dir``
        being the list's path without its extension.
    """
    path = require_file(
        osp.join(split_dir, 'classInd.txt'), 'UCF101', UCF_HINT)
    classes = []
    for lineno, line in _lines(path):
        parts = line.split()
        if len(parts) != 2 or parts[0] != str(len(classes) + 1):
            raise dataset_file_error(
                path, f'has line {lineno} {line!r}, expected '
                f'"{len(classes) + 1} <ClassName>" (indices 1, 2, … in '
                'order)', 'UCF101', UCF_HINT)
        classes.append(parts[1])
    index = {name: i for i, name in enumerate(classes)}

    def label_of(path: str, lineno: int, video: str) -> int:
        name = video.split('/')[0]
        if '/' not in video or name not in index:
            raise dataset_file_error(
                path, f'has line {lineno} whose video {video!r} is not '
                '<ClassName>/<video>.avi with a class of classInd.txt',
                'UCF101', UCF_HINT)
        return index[name]

    videos: Dict[str, List[Video]] = {}
    for subset, name in (('train', 'trainlist'), ('val', 'testlist')):
        path = require_file(
            osp.join(split_dir, f'{name}{split:02d}.txt'), 'UCF101', UCF_HINT)
        videos[subset] = []
        for lineno, line in _lines(path):
            parts = line.split()
            label = label_of(path, lineno, parts[0])
            if len(parts) > 2 or (len(parts) == 2
                                  and parts[1] != str(label + 1)):
                raise dataset_file_error(
                    path, f'has line {lineno} {line!r}; expected '
                    f'"{parts[0]}" optionally followed by its classInd '
                    f'index {label + 1}', 'UCF101', UCF_HINT)
            videos[subset].append((_strip_ext(parts[0]), label))
    return classes, videos


def hmdb51_split(split_dir: str, split: int) -> Split:
    """Read one official HMDB-51 split.

    Args:
        split_dir (str): The folder of the ``<class>_test_split<K>.txt``
            files (``testTrainMulti_7030_splits/``).
        split (int): 1, 2 or 3.

    Returns:
        tuple: Class names sorted alphabetically (the labels 0..50) and
        ``{'train': [('<class>/<video>', label)], 'val': [...]}``: flag 1
        is train, 2 val, 0 unused.
    """
    suffix = f'_test_split{split}.txt'
    paths = sorted(glob.glob(osp.join(glob.escape(split_dir), '*' + suffix)))
    if not paths:
        raise dataset_file_error(
            osp.join(split_dir, '<class>' + suffix), 'does not exist for any '
            'class', 'HMDB51', HMDB_HINT)
    classes = sorted(osp.basename(p)[:-len(suffix)] for p in paths)
    videos: Dict[str, List[Video]] = {'train': [], 'val': []}
    for label, name in enumerate(classes):
        path = osp.join(split_dir, name + suffix)
        for lineno, line in _lines(path):
            parts = line.split()
            if len(parts) != 2 or parts[1] not in ('0', '1', '2'):
                raise dataset_file_error(
                    path, f'has line {lineno} {line!r}, expected '
                    '"<video>.avi <0|1|2>"', 'HMDB51', HMDB_HINT)
            if parts[1] != '0':
                subset = 'train' if parts[1] == '1' else 'val'
                videos[subset].append(
                    (f'{name}/{_strip_ext(parts[0])}', label))
    return classes, videos


def hara_split(json_path: str) -> Split:
    """Read an annotation JSON of Hara et al. (``ucf101_01.json`` …).

    Args:
        json_path (str): The JSON file.

    Returns:
        tuple: ``labels`` (the label order) and ``{'train': [...], 'val':
        [...]}`` with frame folders ``<label>/<video_id>``, in the file's
        order.
    """
    require_file(json_path, 'Hara JSON', HARA_HINT)
    try:
        with open(json_path) as f:
            data = json.load(f)
        classes = [str(c) for c in data['labels']]
        database = data['database'].items()
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise dataset_file_error(
            json_path, 'is not an annotation JSON with "labels" and '
            f'"database" ({type(err).__name__}: {err})', 'Hara JSON',
            HARA_HINT) from None
    index = {name: i for i, name in enumerate(classes)}
    subsets = dict(training='train', validation='val')
    videos: Dict[str, List[Video]] = {'train': [], 'val': []}
    for video_id, value in database:
        subset = subsets.get(value.get('subset'))
        if subset is None:
            continue
        label = value.get('annotations', {}).get('label')
        if label not in index:
            raise dataset_file_error(
                json_path, f'gives video {video_id!r} the label {label!r}, '
                'which is not in "labels"', 'Hara JSON', HARA_HINT)
        videos[subset].append((f'{label}/{video_id}', index[label]))
    return classes, videos


def count_frames(frame_dir: str,
                 filename_tmpl: str = 'img_{:05}.jpg',
                 start_index: int = 1) -> int:
    """Count the consecutive frames ``filename_tmpl.format(start_index)``, ….

    Args:
        frame_dir (str): A video's frame folder.
        filename_tmpl (str): Frame file names. Defaults to
            ``'img_{:05}.jpg'`` (mmaction's).
        start_index (int): The first frame's number. Defaults to 1.

    Returns:
        int: The number of frames from ``start_index`` on without a gap; 0
        if the folder does not exist.
    """
    if not osp.isdir(frame_dir):
        return 0
    names = set(os.listdir(frame_dir))
    count = 0
    while filename_tmpl.format(start_index + count) in names:
        count += 1
    return count


def hara_frame_count(frame_dir: str,
                     filename_tmpl: str = 'image_{:05d}.jpg') -> int:
    """A video's frame count in Hara et al.'s layout.

    Args:
        frame_dir (str): The frame folder.
        filename_tmpl (str): Frame names, counted when the folder has no
            ``n_frames`` file. Defaults to ``'image_{:05d}.jpg'``.

    Returns:
        int: The integer in ``<frame_dir>/n_frames`` if that file exists,
        else :func:`count_frames`.
    """
    path = osp.join(frame_dir, 'n_frames')
    if osp.isfile(path):
        with open(path) as f:
            text = f.read().strip()
        try:
            return int(float(text))
        except ValueError:
            raise dataset_file_error(path, f'holds {text!r}, not a frame '
                                     'count', 'Hara JSON',
                                     'Delete it to count the frames') from None
    return count_frames(frame_dir, filename_tmpl)


def format_list(entries: Sequence[ListEntry]) -> str:
    """The text of a rawframe list, one ``dir frames label`` line each."""
    return ''.join(f'{d} {n} {label}\n' for d, n, label in entries)


def write_split_lists(
        videos: Dict[str, List[Video]],
        frames_root: str,
        out_dir: str,
        name: str,
        split: int,
        frame_count: Optional[Callable[[str], int]] = None,
        skip_missing: bool = False,
        dataset: str = 'Rawframes') -> Dict[str, List[ListEntry]]:
    """Count the frames of each video and write the train and val lists.

    Args:
        videos (dict): ``{'train': [(frame_dir, label)], 'val': [...]}``.
        frames_root (str): The folder the frame folders are relative to.
        out_dir (str): Where the lists go (created if needed).
        name (str): The lists' prefix, e.g. ``'ucf101'``.
        split (int): The split number in the file names.
        frame_count (Callable[[str], int], optional): Frames of a folder, 0
            if it is missing or empty. Defaults to :func:`count_frames`.
        skip_missing (bool): Leave out videos without frames (and say how
            many) instead of stopping. Defaults to False.
        dataset (str): The name used in messages. Defaults to
            ``'Rawframes'``.

    Returns:
        dict: ``{path of each written list: its entries}``, train first.
    """
    frame_count = frame_count or count_frames
    bad = [
        d for subset in SUBSETS for d, _ in videos[subset]
        if any(c.isspace() for c in d)
    ]
    if bad:
        raise dataset_file_error(
            osp.join(frames_root, bad[0]), 'has white space in its name, '
            'which the rawframe list format cannot hold', dataset,
            'Rename the video files without spaces and extract them again')
    counted = {
        subset: [(d, frame_count(osp.join(frames_root, d)), label)
                 for d, label in videos[subset]]
        for subset in SUBSETS
    }
    missing = [e[0] for s in SUBSETS for e in counted[s] if e[1] < 1]
    if missing and not skip_missing:
        total = sum(len(v) for v in counted.values())
        raise MissingFileError(
            f'{dataset}: {len(missing)} of the {total} videos of split '
            f'{split} have no frames under {frames_root}, e.g. '
            f'{osp.join(frames_root, missing[0])}. Extract the frames first '
            '(tools/dataset_converters/extract_frames.py), point the '
            'converter to them, or pass --skip-missing to leave those '
            'videos out (see docs/dataset_prepare.md).')
    if missing:
        print(f'{dataset}: left out {len(missing)} videos without frames, '
              f'e.g. {osp.join(frames_root, missing[0])}')
    os.makedirs(out_dir, exist_ok=True)
    written = {}
    for subset in SUBSETS:
        entries = [e for e in counted[subset] if e[1] >= 1]
        path = osp.join(out_dir,
                        f'{name}_{subset}_split_{split}_rawframes.txt')
        with open(path, 'w') as f:
            f.write(format_list(entries))
        written[path] = entries
    return written


def name_and_split(json_path: str) -> Tuple[Optional[str], Optional[int]]:
    """``'ucf101_01.json'`` -> ``('ucf101', 1)``; ``(None, None)`` if unsure.

    Args:
        json_path (str): An annotation JSON of Hara et al.

    Returns:
        tuple: The dataset name and the split number guessed from the file
        name ``<name>_<K>.json``.
    """
    match = re.fullmatch(r'([A-Za-z0-9]+)_0*(\d+)',
                         osp.splitext(osp.basename(json_path))[0])
    if match is None:
        return None, None
    return match.group(1), int(match.group(2))
