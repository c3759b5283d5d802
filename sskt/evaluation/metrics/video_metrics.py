"""Clip-level and video-level top-k accuracy (%), as in the original code.

The original (Hara et al.'s code, reused by SSKT) reports two accuracies on
UCF-101 / HMDB-51:

* **clip-level** (validation every epoch): each validation clip (3 per video,
  more for short videos) is one prediction. :class:`ClipAccuracy` counts
  every clip once. Each sample should hold one clip: build the validation set
  as ``VideoRawframeDataset(clips_per_video=3)`` with ``SampleFixedClip``.
  (A head with ``average_clips=None`` returns one score row per clip, which
  is counted row by row too.)
* **video-level** (``--test``): the softmax of all non-overlapping clips of a
  video (``SampleAllClips``) is averaged, then top-1. With the head's
  ``average_clips='prob'`` each sample has one averaged score and
  :class:`VideoAccuracy` is plain top-k accuracy over videos — the same
  numbers as ``mmaction.AccMetric``'s ``top1``/``top5``, times 100. Given one
  score row per clip (``average_clips=None``) it averages their softmax
  itself.

The original matches the top-1 class name against the video id (a
substring test); with correct labels that is the same as comparing labels.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from sskt.registry import METRICS
from sskt.utils.errors import ConfigError


def topk_accuracy(scores: np.ndarray, labels: np.ndarray,
                  topk: Sequence[int]) -> Dict[str, float]:
    """Top-k accuracy in percent.

    Args:
        scores (np.ndarray): ``(N, C)`` class scores (any monotonic form).
        labels (np.ndarray): ``(N, )`` integer labels.
        topk (Sequence[int]): The k's; a k of at least C counts every
            prediction as correct.

    Returns:
        dict: ``{'top{k}': accuracy in [0, 100]}``.
    """
    # stable sort on the negated scores: ties go to the lower class index,
    # as torch/numpy argmax
    order = np.argsort(-scores, axis=1, kind='stable')
    hits = order == labels[:, None]
    return {f'top{k}': float(hits[:, :k].any(1).mean() * 100) for k in topk}


def _scores_and_label(data_sample: dict) -> tuple:
    """``(pred score tensor, int label)`` of a packed data sample."""
    scores = data_sample['pred_scores']['item'].detach().cpu().float()
    label = data_sample['gt_labels']['item']
    if torch.is_tensor(label):
        label = label.reshape(-1)
        if label.numel() != 1:
            raise ConfigError('Clip/VideoAccuracy take single-label samples; '
                              f'got gt_labels of {label.numel()} values')
        label = label.item()
    return scores, int(label)


class _TopkMetric(BaseMetric):
    """Shared argument handling of the two accuracies."""

    def __init__(self,
                 topk: Sequence[int] = (1, 5),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        topk = (topk, ) if isinstance(topk, int) else tuple(topk)
        if not topk or any(not isinstance(k, int) or k < 1 for k in topk):
            raise ConfigError(f'{type(self).__name__}: topk must be positive '
                              f'ints, got {topk!r}')
        self.topk = topk

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Top-k accuracy over the stored predictions.

        Args:
            results (list[dict]): ``dict(scores=(K, C) array, label=int)``
                per sample, each row one prediction of ``label``.

        Returns:
            dict: ``{'top{k}': accuracy %}``.
        """
        scores = np.concatenate([r['scores'] for r in results])
        labels = np.concatenate(
            [np.full(len(r['scores']), r['label']) for r in results])
        return topk_accuracy(scores, labels, self.topk)


@METRICS.register_module()
class ClipAccuracy(_TopkMetric):
    """Clip-level top-k accuracy (%): every clip is one prediction.

    A sample's ``pred_scores`` is one clip's ``(C, )`` score, or ``(K, C)``
    scores of K clips (a head with ``average_clips=None``), each row counted.
    A ``(C, )`` score of a sample whose ``num_clips`` meta (add
    ``'num_clips'`` to ``PackActionInputs(meta_keys=...)``) is above 1 is an
    average over clips and stops the evaluation: clip-level accuracy cannot
    be computed from it.

    Keys: ``clip/top1``, ``clip/top5`` (by ``topk``).

    Args:
        topk (int | Sequence[int]): The k's. Defaults to ``(1, 5)``.
        collect_device (str): ``'cpu'`` or ``'gpu'``, for distributed
            evaluation. Defaults to ``'cpu'``.
        prefix (str, optional): Key prefix. Defaults to ``'clip'``.
    """

    default_prefix: Optional[str] = 'clip'

    def process(self, data_batch: object,
                data_samples: Sequence[dict]) -> None:
        """Store every clip's scores and label.

        Args:
            data_batch (object): Unused.
            data_samples (Sequence[dict]): Packed ``ActionDataSample``s with
                ``pred_scores`` and ``gt_labels``.
        """
        for data_sample in data_samples:
            scores, label = _scores_and_label(data_sample)
            num_clips = data_sample.get('num_clips', 1)
            if scores.dim() == 1 and num_clips > 1:
                raise ConfigError(
                    f'ClipAccuracy got one score for a sample of {num_clips} '
                    'clips: the head averaged them (average_clips=\'prob\' '
                    "or 'score'), so clip-level accuracy cannot be "
                    'computed. Make one sample per clip '
                    '(VideoRawframeDataset(clips_per_video=3) with '
                    'SampleFixedClip), or set the head\'s average_clips=None.')
            # one entry per sample (results are collected per sample)
            self.results.append(
                dict(
                    scores=scores.reshape(-1, scores.shape[-1]).numpy(),
                    label=label))


@METRICS.register_module()
class VideoAccuracy(_TopkMetric):
    """Video-level top-k accuracy (%) from the clips' averaged softmax.

    A sample's ``pred_scores`` is ``(C, )`` — already averaged by the head;
    use ``average_clips='prob'``, the original's mean softmax — or
    ``(K, C)`` per-clip scores (``average_clips=None``), whose softmax is
    averaged here.

    Keys: ``video/top1``, ``video/top5`` (by ``topk``).

    Args:
        topk (int | Sequence[int]): The k's. Defaults to ``(1, 5)``.
        collect_device (str): ``'cpu'`` or ``'gpu'``, for distributed
            evaluation. Defaults to ``'cpu'``.
        prefix (str, optional): Key prefix. Defaults to ``'video'``.
    """

    default_prefix: Optional[str] = 'video'

    def process(self, data_batch: object,
                data_samples: Sequence[dict]) -> None:
        """Store every video's (averaged) scores and label.

        Args:
            data_batch (object): Unused.
            data_samples (Sequence[dict]): Packed ``ActionDataSample``s with
                ``pred_scores`` and ``gt_labels``, one per video.
        """
        for data_sample in data_samples:
            scores, label = _scores_and_label(data_sample)
            if scores.dim() == 2:
                scores = scores.softmax(dim=1).mean(dim=0)
            self.results.append(dict(scores=scores[None].numpy(), label=label))
