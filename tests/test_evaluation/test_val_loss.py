"""ValLoss against hand-computed values."""
import math

import pytest
import torch
from mmengine.evaluator import Evaluator

from sskt.evaluation.metrics import ValLoss


def test_mmpretrain_and_mmaction_samples():
    metric = ValLoss()
    metric.process(None, [
        dict(
            pred_score=torch.tensor([0.5, 0.25, 0.25]),
            gt_label=torch.tensor([0])),
        dict(
            pred_scores=dict(item=torch.tensor([0.2, 0.8])),
            gt_labels=dict(item=torch.tensor([1]))),
    ])
    result = metric.compute_metrics(metric.results)
    expected = (math.log(2) + math.log(1 / 0.8)) / 2
    assert result['val_loss'] == pytest.approx(expected)


def test_auxiliary_terms_are_added():
    evaluator = Evaluator(ValLoss())
    evaluator.process([
        dict(
            pred_score=torch.tensor([0.25, 0.75]),
            gt_label=torch.tensor([1]),
            aux_loss=0.5)
    ])
    assert evaluator.evaluate(1)['val_loss'] == pytest.approx(
        math.log(4 / 3) + 0.5)
