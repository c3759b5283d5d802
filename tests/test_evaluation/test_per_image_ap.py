"""Tests of the per-image AP metric (the original SSKT VOC metric)."""
import math

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from sklearn.metrics import average_precision_score

from sskt.evaluation.metrics import PerImageAP, per_image_average_precision
from sskt.registry import METRICS

PRED = np.array([
    [0.9, 0.8, 0.7, 0.1],
    [0.1, 0.2, 0.3, 0.4],
    [0.5, 0.4, 0.3, 0.2],
])
TARGET = np.array([
    [1, 0, 1, 0],  # + - + -           -> (1 + 2/3) / 2 = 5/6
    [1, 0, 0, 0],  # positive ranked 4th -> 1/4
    [0, 0, 0, 0],  # no positive       -> undefined
])


def test_per_image_hand_computed():
    aps = per_image_average_precision(PRED, TARGET)
    assert aps[:2] == pytest.approx([5 / 6, 1 / 4])
    assert math.isnan(aps[2])


def test_ignored_classes_are_left_out_of_the_ranking():
    pred = PRED[:1]
    # The negative ranked 2nd is ignored: both positives first -> 1.
    assert per_image_average_precision(pred,
                                       np.array([[1, -1, 1,
                                                  0]])) == pytest.approx([1.0])
    # Ignoring the first positive: - + - -> 1/2.
    assert per_image_average_precision(pred,
                                       np.array([[-1, 0, 1,
                                                  0]])) == pytest.approx([0.5])
    # Only ignored or negative classes left: undefined.
    assert np.isnan(
        per_image_average_precision(pred, np.array([[-1, 0, -1, 0]]))).all()


def test_ties_and_all_positive_like_sklearn():
    # A tie between a positive and a negative is one threshold: 1/2.
    assert per_image_average_precision(
        np.array([[0.5, 0.5, 0.1]]), np.array([[1, 0, 0]])) == \
        pytest.approx([0.5])
    assert per_image_average_precision(
        np.array([[0.1, 0.2]]), np.array([[1, 1]])) == pytest.approx([1.0])


def test_equals_the_original_loop_when_every_image_has_a_positive():
    rng = np.random.default_rng(0)
    pred = rng.random((50, 20))
    target = (rng.random((50, 20)) > 0.8).astype(int)
    target[np.arange(50), rng.integers(0, 20, 50)] = 1
    # The original utils.get_ap_score: sum of sklearn AP per row / rows.
    original = sum(
        average_precision_score(t, p) for t, p in zip(target, pred)) / 50
    assert np.mean(per_image_average_precision(pred, target)) == \
        pytest.approx(original)


def test_shape_mismatch():
    with pytest.raises(ValueError, match=r'must both have shape \(N, C\)'):
        per_image_average_precision(PRED, TARGET[:, :3])


def samples(target_field: str, targets) -> list:
    out = []
    for pred, target in zip(PRED, targets):
        sample = DataSample().set_pred_score(torch.tensor(pred))
        if target_field == 'gt_score':
            sample.set_gt_score(torch.tensor(target))
        else:
            sample.set_gt_label(np.flatnonzero(target))
        out.append(sample)
    return out


@pytest.mark.parametrize('field', ['gt_score', 'gt_label'])
def test_metric_skips_images_without_positive(field, monkeypatch):
    logged = []
    monkeypatch.setattr('sskt.evaluation.metrics.per_image_ap.print_log',
                        lambda msg, **kwargs: logged.append(msg))
    with DefaultScope.overwrite_default_scope('sskt'):
        evaluator = Evaluator(dict(type='PerImageAP'))
    evaluator.process(samples(field, TARGET))
    metrics = evaluator.evaluate(3)
    # Mean over the 2 images with a positive, in percent.
    assert metrics == pytest.approx(
        {'multi-label/per_image_AP': 100 * (5 / 6 + 1 / 4) / 2})
    assert logged == [
        'PerImageAP: skipped 1 of 3 images with no positive '
        'label (their AP is undefined).'
    ]


def test_metric_with_ignored_labels_and_prefix():
    metric = METRICS.build(dict(type='PerImageAP', prefix='voc'))
    assert isinstance(metric, PerImageAP)
    targets = np.array([[1, -1, 1, 0], [1, 0, 0, -1], [0, 1, 0, 0]])
    # 1 ; positive 3rd of 3 kept -> 1/3 ; positive 2nd of 4 -> 1/2.
    metric.process(None, [s.to_dict() for s in samples('gt_score', targets)])
    assert metric.evaluate(3) == pytest.approx(
        {'voc/per_image_AP': 100 * (1 + 1 / 3 + 1 / 2) / 3})


def test_metric_nan_when_no_image_has_a_positive(monkeypatch):
    logged = []
    monkeypatch.setattr('sskt.evaluation.metrics.per_image_ap.print_log',
                        lambda msg, **kwargs: logged.append(msg))
    metric = PerImageAP()
    metric.process(
        None,
        [s.to_dict() for s in samples('gt_score', np.zeros((3, 4), int))])
    assert math.isnan(metric.evaluate(3)['multi-label/per_image_AP'])
    assert logged == [
        'PerImageAP: skipped 3 of 3 images with no positive '
        'label (their AP is undefined).'
    ]
