"""mmaction's rawframe dataset, with checked files and per-clip samples.

:class:`VideoRawframeDataset` reads the same list files and frame folders as
``mmaction.RawframeDataset`` (one ``<frame_dir> <total_frames> <label>`` line
per video; frames ``<data_prefix>/<frame_dir>/img_00001.jpg …``) and adds two
things:

* **checks at construction**: a missing or malformed list file, a list
  without videos, a listed frame folder that does not exist, or a first/last
  frame missing (a wrong frame count or ``filename_tmpl``) stops the run with
  one paragraph naming the path and ``docs/dataset_prepare.md``, instead of
  a crash in a dataloader worker hours later; a frame in between that is
  lost or corrupt is a one-paragraph
  :class:`~sskt.utils.errors.DataSampleError` naming it when its clip is
  loaded (see :mod:`sskt.datasets.dataset_guards`), and
  ``tools/misc/verify_dataset.py`` checks every frame beforehand;
* **per-clip samples** (``clips_per_video=k``): each video becomes one sample
  per clip of the original's validation sampling (``n_val_samples=k``, see
  :mod:`sskt.datasets.video.clip_sampling`), each carrying its
  ``clip_start``; the pipeline then starts with ``SampleFixedClip``. Every
  validation prediction is then one clip, which is what clip-level accuracy
  (:class:`~sskt.evaluation.metrics.ClipAccuracy`) counts, whatever the
  head's ``average_clips``.
"""
import os.path as osp
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from mmaction.datasets import RawframeDataset

from sskt.registry import DATASETS
from sskt.utils.errors import ConfigError
from ..dataset_errors import dataset_file_error, require_file
from ..dataset_guards import SampleGuardMixin
from .clip_sampling import val_clip_starts

LIST_HINT = ('Write the rawframe lists with tools/dataset_converters/'
             'ucf101_lists.py, hmdb51_lists.py or hara_json_to_lists.py')
FRAMES_HINT = ('Extract the frames with tools/dataset_converters/'
               'extract_frames.py, or regenerate the list from the frames '
               'you have')
COUNT_HINT = ('The list\'s frame count or filename_tmpl {tmpl!r} does not '
              'match the frames on disk: regenerate the list from the '
              'extracted frames, or set filename_tmpl (frames named '
              'image_00001.jpg, as in Hara et al.\'s layout, need '
              '\'image_{{:05d}}.jpg\')')


@DATASETS.register_module()
class VideoRawframeDataset(SampleGuardMixin, RawframeDataset):
    """``mmaction.RawframeDataset`` with file checks and per-clip samples.

    Each line of ``ann_file`` is ``<frame_dir> <total_frames> <label>``
    (``<frame_dir> <offset> <total_frames> <label>`` with ``with_offset``;
    several labels with ``multi_class``); blank lines are skipped. Samples
    are mmaction's: ``frame_dir``, ``total_frames``, ``label``,
    ``filename_tmpl``, ``start_index`` (1: frames count from
    ``img_00001.jpg``), ``modality``; with ``clips_per_video`` also
    ``clip_start`` (0-based), ``clip_index`` and ``video_index`` (the
    video's position in the list).

    Args:
        ann_file (str): The rawframe list, relative to ``data_root`` if set.
        pipeline (Sequence[dict | Callable]): The transforms. Defaults to
            ``()``.
        clips_per_video (int, optional): None (default): one sample per
            video, whose pipeline samples the clips. ``k >= 2``: one sample
            per clip of the original's validation sampling with
            ``n_val_samples=k`` (3 clips for videos of at least 48 frames at
            ``k=3``, more for shorter ones); use ``SampleFixedClip`` in the
            pipeline.
        clip_len (int): Frames per clip, for ``clips_per_video``. Defaults
            to 16.
        check_frames (bool): Check at construction that every listed frame
            folder exists and holds its first and last frame (RGB) — two
            ``stat`` calls per video. Defaults to True.
        dataset_name (str): The name used in error messages, e.g.
            ``'UCF101'``. Defaults to ``'Rawframes'``.
        **kwargs: Other arguments of ``mmaction.RawframeDataset``:
            ``data_root``, ``data_prefix=dict(img=...)`` (the frames root),
            ``filename_tmpl`` (default ``'img_{:05}.jpg'``), ``with_offset``,
            ``multi_class``, ``num_classes``, ``start_index`` (default 1),
            ``modality``, ``test_mode`` and mmengine's ``BaseDataset``
            arguments.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 clips_per_video: Optional[int] = None,
                 clip_len: int = 16,
                 check_frames: bool = True,
                 dataset_name: str = 'Rawframes',
                 **kwargs) -> None:
        if clips_per_video is not None and (
                not isinstance(clips_per_video, int) or clips_per_video < 2):
            raise ConfigError(
                f'{dataset_name}: clips_per_video must be None (one sample '
                f'per video) or an int >= 2, got {clips_per_video!r}')
        if not isinstance(clip_len, int) or clip_len < 1:
            raise ConfigError(f'{dataset_name}: clip_len must be a positive '
                              f'int, got {clip_len!r}')
        self.clips_per_video = clips_per_video
        self.clip_len = clip_len
        self.check_frames = check_frames
        self.dataset_name = dataset_name
        super().__init__(ann_file, pipeline=list(pipeline), **kwargs)

    def _parse_line(self, line: str, lineno: int) -> Dict[str, Any]:
        """One list line as mmaction's video info; errors name the line."""
        parts = line.split()
        num_ints = 2 if self.with_offset else 1
        try:
            ints = [int(x) for x in parts[1:]]
            if len(ints) < num_ints or (len(ints) > num_ints + 1
                                        and not self.multi_class):
                raise ValueError
        except ValueError:
            fields = ('<frame_dir> <offset> <total_frames> <label>'
                      if self.with_offset else
                      '<frame_dir> <total_frames> <label>')
            raise dataset_file_error(
                self.ann_file, f'has line {lineno} {line!r}, expected '
                f'{fields!r} (whitespace-separated integers after the '
                'folder; no spaces in folder names)', self.dataset_name,
                LIST_HINT) from None
        info: Dict[str, Any] = dict(frame_dir=parts[0])
        if self.data_prefix['img'] is not None:
            info['frame_dir'] = osp.join(self.data_prefix['img'], parts[0])
        if self.with_offset:
            info['offset'] = ints.pop(0)
        info['total_frames'] = ints.pop(0)
        if info['total_frames'] < 1:
            raise dataset_file_error(
                self.ann_file, f'lists {parts[0]} with {info["total_frames"]}'
                f' frames on line {lineno}; every video needs at least one',
                self.dataset_name, LIST_HINT)
        labels = ints or [-1]  # no label: inference on unlabelled videos
        if self.multi_class:
            if self.num_classes is None:
                raise ConfigError(f'{self.dataset_name}: multi_class=True '
                                  'needs num_classes')
            info['label'] = labels
        else:
            info['label'] = labels[0]
        return info

    def _check_frames(self, info: Dict[str, Any], lineno: int) -> None:
        """Raise the one-paragraph error if a listed video lacks frames."""
        where = f'listed on line {lineno} of {self.ann_file}'
        frame_dir = info['frame_dir']
        if not osp.isdir(frame_dir):
            raise dataset_file_error(frame_dir, f'does not exist ({where})',
                                     self.dataset_name, FRAMES_HINT)
        if self.modality != 'RGB':
            return
        first = self.start_index + info.get('offset', 0)
        total = info['total_frames']
        for index in (first, first + total - 1):
            path = osp.join(frame_dir, self.filename_tmpl.format(index))
            if not osp.isfile(path):
                raise dataset_file_error(
                    path, f'does not exist (frame {index} of the {total} '
                    f'{where})', self.dataset_name,
                    COUNT_HINT.format(tmpl=self.filename_tmpl))

    def load_data_list(self) -> List[Dict[str, Any]]:
        """Read and check the list; expand videos into clips if asked.

        Returns:
            list[dict]: One video info per video, or per clip with
            ``clips_per_video``.
        """
        require_file(self.ann_file, self.dataset_name, LIST_HINT)
        videos = []
        with open(self.ann_file) as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                info = self._parse_line(line.strip(), lineno)
                if self.check_frames:
                    self._check_frames(info, lineno)
                videos.append(info)
        if self.clips_per_video is None:
            return videos
        clips = []
        for video_index, info in enumerate(videos):
            starts = val_clip_starts(info['total_frames'], self.clip_len,
                                     self.clips_per_video)
            for clip_index, start in enumerate(starts):
                clips.append(
                    dict(
                        info,
                        clip_start=start,
                        clip_index=clip_index,
                        video_index=video_index))
        return clips

    @property
    def dataset_label(self) -> str:
        """``dataset_name``, e.g. ``'UCF101'``."""
        return self.dataset_name

    def source_text(self) -> str:
        """The list file, for messages."""
        return f'ann_file {self.ann_file}'

    def empty_text(self) -> str:
        """Why the list has no sample, and what to do."""
        return (f'{self.ann_file} lists no video, so the dataset has no '
                f'sample; {LIST_HINT[0].lower()}{LIST_HINT[1:]}')
