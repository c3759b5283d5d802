"""Refuse a target head whose class count is not the training set's.

A head with fewer classes than the dataset stops mid-step with ``IndexError:
Target 3 is out of bounds``; one with more trains silently, with outputs for
classes that never occur. :class:`ClassCountCheckHook` compares, before any
checkpoint is read or any step is taken, the training set's number of
classes with the ``num_classes`` of every head that predicts the dataset's
labels: the head of a plain classifier (``head``, or ``cls_head`` of an
mmaction recognizer), of the ``target`` of SSKT, KD and MAXL, and of every
DML peer. SSKT's auxiliary heads (which predict the sources' classes) and
KD's teacher (checked against the target by KD itself) are not compared.
"""
from typing import Any, List, Optional, Tuple

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop

from sskt.registry import HOOKS
from sskt.utils.errors import ConfigError

#: ``(config key of num_classes, its value)``
HeadClasses = Tuple[str, int]
#: Label lists longer than this are not scanned for their largest label
#: (reading every sample's info of a 1.8M-image list takes seconds).
MAX_SCANNED = 200_000


def _max_label(dataset: Any) -> Optional[int]:
    """The largest label of the dataset's samples (None: none found)."""
    if not hasattr(dataset, 'get_data_info') or len(dataset) > MAX_SCANNED:
        return None
    largest = None
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        label = info.get('gt_label', info.get('label'))
        labels = label if isinstance(label, (list, tuple)) else [label]
        for value in labels:
            try:
                value = int(value)
            except (TypeError, ValueError):  # e.g. a one-hot array
                return None
            if value >= 0 and (largest is None or value > largest):
                largest = value
    return largest


def dataset_class_count(dataset: Any) -> Tuple[Optional[int], bool]:
    """How many classes a training set has, and whether that is exact.

    Exact from ``metainfo['classes']`` (every mmpretrain and sskt image
    dataset, multi-label VOC included) or a dataset's ``num_classes``
    (mmaction's multi-class lists); otherwise, for a label list such as
    :class:`~sskt.datasets.VideoRawframeDataset`'s, at least one more than
    the largest label (lists of up to :data:`MAX_SCANNED` samples).

    Args:
        dataset (Any): The training set (possibly a dataset wrapper).

    Returns:
        tuple[int | None, bool]: The count (None when unknown) and whether
        it is exact (False: a lower bound).
    """
    metainfo = getattr(dataset, 'metainfo', None) or {}
    classes = metainfo.get('classes') if isinstance(metainfo, dict) else None
    if classes:
        return len(classes), True
    num_classes = getattr(dataset, 'num_classes', None)
    if isinstance(num_classes, int) and num_classes > 0:
        return num_classes, True
    largest = _max_label(dataset)
    return (None, False) if largest is None else (largest + 1, False)


def _head_classes(model: nn.Module, key: str) -> List[HeadClasses]:
    """``num_classes`` of the head a classifier or recognizer trains."""
    for name in ('cls_head', 'head'):
        head = getattr(model, name, None)
        if isinstance(head, nn.Module):
            key, model = f'{key}.{name}', head
            break
    num_classes = getattr(model, 'num_classes', None)
    if isinstance(num_classes, int) and not isinstance(num_classes, bool):
        return [(f'{key}.num_classes', num_classes)]
    return []


def target_head_classes(model: nn.Module,
                        model_cfg: Optional[dict] = None) -> List[HeadClasses]:
    """The class count of every head that predicts the dataset's labels.

    Args:
        model (nn.Module): The model the Runner trains (wrapped or not).
        model_cfg (dict, optional): Its config, to name a DML peer by the
            key that sets it (``model.peer`` or ``model.peers.<i>``).

    Returns:
        list[tuple[str, int]]: ``(config key, num_classes)`` pairs, e.g.
        ``('model.target.head.num_classes', 5)``.
    """
    if is_model_wrapper(model):
        model = model.module
    peers = getattr(model, 'peers', None)
    if isinstance(peers, nn.ModuleList):  # DML: peer 0 is the target
        one_config = isinstance(model_cfg, dict) and \
            model_cfg.get('peer') is not None
        found = []
        for i, peer in enumerate([model.target, *peers]):
            key = 'model.peer' if one_config else f'model.peers.{i}'
            found += [h for h in _head_classes(peer, key) if h not in found]
        return found
    target = getattr(model, 'target', None)
    if isinstance(target, nn.Module):
        return _head_classes(target, 'model.target')
    return _head_classes(model, 'model')


def check_class_counts(model: nn.Module,
                       dataset: Any,
                       model_cfg: Optional[dict] = None) -> None:
    """Refuse a target head whose class count is not the dataset's.

    Args:
        model (nn.Module): The model to train.
        dataset (Any): Its training set.
        model_cfg (dict, optional): The model's config (see
            :func:`target_head_classes`).

    Raises:
        ConfigError: Naming both numbers and the key to change.
    """
    count, exact = dataset_class_count(dataset)
    if count is None:
        return
    name = type(dataset).__name__
    for key, num_classes in target_head_classes(model, model_cfg):
        if exact and num_classes != count:
            raise ConfigError(
                f'{key} is {num_classes} but the training set ({name}) has '
                f'{count} classes; set {key}={count} (or train on a dataset '
                f'of {num_classes} classes).')
        if not exact and num_classes < count:
            raise ConfigError(
                f'{key} is {num_classes} but the training set ({name}) has '
                f'labels up to {count - 1}, so at least {count} classes; set '
                f'{key} to its number of classes (or fix the labels of the '
                'annotation file).')


@HOOKS.register_module()
class ClassCountCheckHook(Hook):
    """Check the target heads' ``num_classes`` before training starts.

    Runs in ``before_run`` of ``runner.train()`` — after the training set is
    built and before any checkpoint (sources, teachers, ``load_from``,
    resume) is read — so a wrong count costs no time. ``runner.test()`` and
    ``runner.val()`` build no training set and are not checked.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        """Compare the heads with the training set (when training).

        Args:
            runner (Runner): The runner.
        """
        # runner.train() builds its loop before before_run; reading the
        # train_loop property instead would build it for test runs too
        loop = getattr(runner, '_train_loop', None)
        if not isinstance(loop, BaseLoop):
            return
        check_class_counts(runner.model, loop.dataloader.dataset,
                           runner.cfg.get('model'))
