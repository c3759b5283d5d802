"""Per-image average precision: the VOC metric of the original SSKT code.

The original ``utils.get_ap_score`` ranks the 20 class scores of each image
against its multi-hot truth with sklearn's ``average_precision_score`` and
averages over images. This is *not* the standard VOC mAP, which ranks the
images of each class (mmpretrain's ``AveragePrecision``).
"""
import logging
from typing import Dict, List, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmpretrain.structures import label_to_onehot
from sklearn.metrics import average_precision_score

from sskt.registry import METRICS


def per_image_average_precision(pred: np.ndarray,
                                target: np.ndarray) -> np.ndarray:
    """sklearn average precision of each image over its classes.

    Entries of ``target`` below 0 (-1: ignored, e.g. a difficult-only VOC
    class under ``VOC(difficult='ignore')``) are left out of their image's
    ranking. An image with no positive among the remaining entries has no
    defined AP and gets NaN (sklearn would warn and return 0).

    Args:
        pred (np.ndarray): Scores of shape ``(N, C)``.
        target (np.ndarray): Targets of shape ``(N, C)``: 1 positive,
            0 negative, -1 ignored.

    Returns:
        np.ndarray: ``(N, )`` APs in [0, 1], NaN where undefined.
    """
    if pred.shape != target.shape or pred.ndim != 2:
        raise ValueError(f'pred {pred.shape} and target {target.shape} must '
                         'both have shape (N, C)')
    aps = np.full(len(pred), np.nan)
    for i, (scores, labels) in enumerate(zip(pred, target)):
        kept = labels >= 0
        positive = labels[kept] > 0
        if positive.any():
            aps[i] = average_precision_score(positive, scores[kept])
    return aps


@METRICS.register_module()
class PerImageAP(BaseMetric):
    """Mean over images of each image's average precision over classes (%).

    For each image, sklearn ``average_precision_score`` ranks its class
    scores (``pred_score``) against its target, and the APs are averaged
    over images; see :func:`per_image_average_precision`. The target is the
    sample's ``gt_score`` (1/0/-1) when it has one, else the one-hot of
    ``gt_label``. Classes with target -1 are left out of that image's AP.

    Images without a positive label (under ``VOC(difficult='drop')``, those
    whose objects are all difficult) are skipped: their AP is undefined, and
    counting them as 0 would lower every model's score by the same fraction
    of images. The number skipped is logged as a warning.

    Args:
        collect_device (str): Device used to collect results across ranks,
            ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric name. Defaults to
            ``'multi-label'``, giving ``'multi-label/per_image_AP'`` next to
            mmpretrain's ``'multi-label/mAP'``.
    """

    default_prefix = 'multi-label'

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Store the scores and targets of a batch.

        Args:
            data_batch: The batch from the dataloader (unused).
            data_samples (Sequence[dict]): Model outputs with ``pred_score``
                and ``gt_score`` or ``gt_label``.
        """
        for sample in data_samples:
            pred = sample['pred_score'].detach().cpu().float()
            if 'gt_score' in sample:
                target = sample['gt_score'].detach().cpu().float()
            else:
                target = label_to_onehot(sample['gt_label'].cpu(),
                                         pred.numel()).float()
            self.results.append(dict(pred_score=pred, gt_score=target))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Average the per-image APs.

        Args:
            results (list[dict]): What :meth:`process` stored.

        Returns:
            dict[str, float]: ``{'per_image_AP': AP in %}`` (NaN if no image
            has a positive label).
        """
        pred = torch.stack([r['pred_score'] for r in results]).numpy()
        target = torch.stack([r['gt_score'] for r in results]).numpy()
        aps = per_image_average_precision(pred, target)
        skipped = int(np.isnan(aps).sum())
        if skipped:
            print_log(
                f'PerImageAP: skipped {skipped} of {len(aps)} images with no '
                'positive label (their AP is undefined).',
                logger='current',
                level=logging.WARNING)
        if skipped == len(aps):
            return {'per_image_AP': float('nan')}
        return {'per_image_AP': float(np.nanmean(aps)) * 100}
