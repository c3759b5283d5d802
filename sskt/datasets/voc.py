"""Pascal VOC 2007/2012 as a 20-class multi-label classification dataset.

Labels come from the official detection annotations: an image is labelled
with every class that has an object in ``Annotations/<id>.xml``. Objects
marked ``<difficult>1</difficult>`` are handled by the ``difficult`` option
(see :class:`VOC`), and that option alone decides what the loss and the
metrics see, through the ``gt_score`` target of every sample. A class whose
objects are all difficult is

- ``'drop'`` (the original SSKT code): negative; ``gt_score`` 0.
- ``'ignore'``: excluded from the loss and the metrics; ``gt_score`` -1, and
  the class is listed in ``gt_label_difficult``.
- ``'positive'``: positive; ``gt_score`` 1.

A class with at least one non-difficult object is positive in every mode.
"""
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, List, Set, Tuple

import numpy as np
from mmengine import list_from_file
from mmpretrain.datasets import VOC as MMPretrainVOC
from mmpretrain.datasets.categories import VOC2007_CATEGORIES

from sskt.registry import DATASETS
from sskt.utils.errors import ConfigError
from .dataset_errors import dataset_file_error
from .dataset_guards import SampleGuardMixin

DIFFICULT_MODES = ('drop', 'ignore', 'positive')

_HINT = ('Extract the official VOCtrainval/VOCtest tar files so that '
         'data_root is the VOCdevkit/VOC<year> folder')


@DATASETS.register_module()
class VOC(SampleGuardMixin, MMPretrainVOC):
    """Pascal VOC multi-label classification, read from the official tree.

    ``data_root`` is a year folder of the official devkit::

        VOCdevkit/VOC2007
        ├── Annotations/<id>.xml
        ├── ImageSets/Main/{train,val,trainval,test}.txt
        └── JPEGImages/<id>.jpg

    Nothing is downloaded. Every listed id must have its XML and JPEG; a
    missing split list, XML or JPEG, or an XML that is not a VOC annotation
    (not XML, no ``<object>``, an unknown class name, a ``<difficult>`` other
    than 0/1) raises an error at construction that names the path and points
    to ``docs/dataset_prepare.md``. An object without ``<difficult>`` counts
    as not difficult. A split list without ids is an
    :class:`~sskt.utils.errors.EmptyDatasetError`, and an image that cannot
    be loaded during training a one-paragraph
    :class:`~sskt.utils.errors.DataSampleError` (see
    :mod:`sskt.datasets.dataset_guards`).

    Each data info holds ``img_path`` (the image is read by the pipeline's
    ``LoadImageFromFile``) and the target of the ``difficult`` mode:

    - ``gt_label`` (list[int]): the positive classes.
    - ``gt_score`` (np.ndarray): float32, one entry per class: 1 positive,
      0 negative, -1 ignored. ``PackInputs`` packs it; mmpretrain's
      ``ClsDataPreprocessor`` and ``MultiLabelClsHead`` use it instead of
      ``gt_label`` when present, and mmpretrain's multi-label metrics
      (``AveragePrecision``, ``MultiLabelMetric`` and their ``VOC*``
      variants) skip the -1 entries.
    - ``gt_label_difficult`` (list[int]): the ignored classes (empty unless
      ``difficult='ignore'``). Only mmpretrain's ``VOC*`` metrics read it,
      and they need it in ``PackInputs(meta_keys=...)``; with their default
      ``difficult_as_positive=None`` they agree with ``gt_score``.

    Train with a loss that skips -1 targets, e.g.
    ``sskt.MaskedBCEWithLogitsLoss``; with ``difficult='ignore'`` do not use
    batch augmentations that mix targets (Mixup, CutMix).

    Args:
        data_root (str): The ``VOCdevkit/VOC<year>`` folder. Defaults to
            ``'data/VOCdevkit/VOC2007'``.
        split (str): ``'train'``, ``'val'``, ``'trainval'`` or ``'test'``
            (VOC2012 has no public test annotations). Defaults to
            ``'trainval'``.
        difficult (str): What a class present only through difficult objects
            is: ``'drop'`` negative (as the original SSKT code, which drops
            difficult objects), ``'ignore'`` excluded from the loss and the
            metrics, ``'positive'`` positive. Defaults to ``'drop'``.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.VOC`
            (``pipeline``, ``test_mode``, ``classes``, ...). With a
            ``classes`` subset, objects of the other VOC classes are skipped.
    """

    def __init__(self,
                 data_root: str = 'data/VOCdevkit/VOC2007',
                 split: str = 'trainval',
                 difficult: str = 'drop',
                 **kwargs) -> None:
        if difficult not in DIFFICULT_MODES:
            raise ConfigError(f'difficult must be one of {DIFFICULT_MODES}, '
                              f'got {difficult!r}')
        self.difficult = difficult
        super().__init__(data_root=data_root, split=split, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split list and every listed annotation.

        Returns:
            list[dict]: One info per listed id, with ``img_path``,
            ``gt_label``, ``gt_score`` and ``gt_label_difficult``.
        """
        if self.ann_prefix is None:
            raise ConfigError('VOC needs data_prefix["ann_path"] (the '
                              'Annotations folder) to build labels')
        if not osp.isfile(self.image_set_path):
            raise dataset_file_error(self.image_set_path, 'does not exist',
                                     'VOC', _HINT)
        img_ids = [
            i.strip() for i in list_from_file(self.image_set_path)
            if i.strip()
        ]

        data_list = []
        for img_id in img_ids:
            img_path = osp.join(self.img_prefix, f'{img_id}.jpg')
            if not osp.isfile(img_path):
                raise dataset_file_error(img_path, 'does not exist', 'VOC',
                                         _HINT)
            labels, difficult_only = self._read_annotation(img_id)
            data_list.append(
                dict(
                    img_path=img_path, **self._target(labels, difficult_only)))
        return data_list

    def source_text(self) -> str:
        """The split and its list file, for messages."""
        return f'split={self.split!r} ({self.image_set_path})'

    def empty_text(self) -> str:
        """Why the split has no image, and what to do."""
        return (f'{self.image_set_path} lists no image id, so '
                f'split={self.split!r} has no sample; write the ids of the '
                "split's images into it, one per line, or choose another "
                'split')

    def _read_annotation(self, img_id: str) -> Tuple[Set[int], Set[int]]:
        """Parse ``Annotations/<img_id>.xml``.

        Args:
            img_id (str): The image id.

        Returns:
            tuple[set[int], set[int]]: The classes with a non-difficult
            object, and the classes whose objects are all difficult.
        """
        xml_path = osp.join(self.ann_prefix, f'{img_id}.xml')
        if not osp.isfile(xml_path):
            raise dataset_file_error(xml_path, 'does not exist', 'VOC', _HINT)
        try:
            objects = ET.parse(xml_path).getroot().findall('object')
        except ET.ParseError as e:
            raise dataset_file_error(xml_path, f'is not valid XML ({e})',
                                     'VOC', _HINT) from e
        if not objects:
            raise dataset_file_error(xml_path, 'has no <object>', 'VOC', _HINT)

        labels: Set[int] = set()
        present: Set[int] = set()
        for obj in objects:
            name = (obj.findtext('name') or '').strip()
            if name not in VOC2007_CATEGORIES:
                raise dataset_file_error(
                    xml_path, f'has an object of unknown class {name!r} '
                    '(expected one of the 20 VOC classes)', 'VOC', _HINT)
            if name not in self.class_to_idx:  # a user-chosen class subset
                continue
            difficult = (obj.findtext('difficult') or '0').strip()
            if difficult not in ('0', '1'):
                raise dataset_file_error(
                    xml_path, f'has <difficult>{difficult}</difficult> '
                    '(expected 0 or 1)', 'VOC', _HINT)
            label = self.class_to_idx[name]
            present.add(label)
            if difficult == '0':
                labels.add(label)
        return labels, present - labels

    def _target(self, labels: Set[int],
                difficult_only: Set[int]) -> Dict[str, object]:
        """The label fields of one image under ``self.difficult``.

        Args:
            labels (set[int]): Classes with a non-difficult object.
            difficult_only (set[int]): Classes whose objects are all
                difficult.

        Returns:
            dict: ``gt_label``, ``gt_score`` and ``gt_label_difficult``.
        """
        ignored: Set[int] = set()
        if self.difficult == 'positive':
            labels = labels | difficult_only
        elif self.difficult == 'ignore':
            ignored = difficult_only
        gt_score = np.zeros(len(self.CLASSES), dtype=np.float32)
        gt_score[sorted(labels)] = 1
        gt_score[sorted(ignored)] = -1
        return dict(
            gt_label=sorted(labels),
            gt_score=gt_score,
            gt_label_difficult=sorted(ignored))

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return super().extra_repr() + [
            f'Difficult objects: \t{self.difficult}'
        ]
