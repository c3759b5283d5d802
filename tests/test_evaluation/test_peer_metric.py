"""PeerMetric: a wrapped metric evaluated on every DML peer's predictions."""
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from sskt.evaluation import PeerMetric
from sskt.utils.errors import ConfigError


def evaluator(*metrics):
    with DefaultScope.overwrite_default_scope('sskt'):
        return Evaluator(list(metrics))


def single_label_samples():
    """Four samples of classes 0..3.

    Peer 0 ranks the truth 1st, 1st, 1st, 4th; peer 1 1st, 2nd, 2nd, 1st.
    """
    a, b, c, d = .7, .2, .06, .04
    peer_scores = [
        torch.tensor([[a, b, c, d], [b, a, c, d], [d, c, a, b], [a, b, c, d]]),
        torch.tensor([[a, b, c, d], [a, b, c, d], [d, c, b, a], [d, c, b, a]]),
    ]
    samples = []
    for n in range(4):
        sample = DataSample().set_gt_label(n)
        sample.set_pred_score(peer_scores[0][n])  # the model reports peer 0
        sample.set_pred_label(peer_scores[0][n].argmax())
        for i, scores in enumerate(peer_scores):
            sample.set_field(scores[n], f'peer{i}_pred_score')
            sample.set_field(scores[n].argmax(keepdim=True),
                             f'peer{i}_pred_label')
        samples.append(sample)
    return samples


def test_accuracy_of_every_peer():
    accuracy = dict(type='mmpretrain.Accuracy', topk=(1, 2))
    metrics = evaluator(accuracy, dict(type='PeerMetric', metric=accuracy))
    metrics.process(single_label_samples())
    results = metrics.evaluate(4)
    assert results == pytest.approx({
        'accuracy/top1': 75.0,
        'accuracy/top2': 75.0,
        'peer0/accuracy/top1': 75.0,
        'peer0/accuracy/top2': 75.0,
        'peer1/accuracy/top1': 50.0,
        'peer1/accuracy/top2': 100.0,
    })
    # results reset after evaluate, as for any metric
    metrics.process(single_label_samples()[:2])
    assert metrics.evaluate(2)['peer1/accuracy/top1'] == 50.0


def test_labels_only_and_prefix():
    samples = single_label_samples()
    for sample in samples:  # a metric without scores reads the labels
        for field in ('pred_score', 'peer0_pred_score', 'peer1_pred_score'):
            del sample[field]
    metric = PeerMetric(
        metric=dict(type='mmpretrain.Accuracy'), num_peers=2, prefix='dml')
    metric.process(None, [s.to_dict() for s in samples])
    assert metric.evaluate(4) == pytest.approx({
        'dml/peer0/accuracy/top1': 75.0,
        'dml/peer1/accuracy/top1': 50.0
    })


def test_samples_without_peer_predictions_are_an_error():
    metric = PeerMetric(metric=dict(type='mmpretrain.Accuracy'))
    with pytest.raises(ConfigError, match='peer0_pred_score'):
        metric.process(None, [{'pred_label': torch.tensor([0])}])


def test_wraps_multi_label_metrics_and_passes_the_dataset_meta():
    gt = torch.tensor([[1, 0, 1], [0, 1, 0]])
    peer_scores = [
        torch.tensor([[.9, .1, .8], [.2, .7, .1]]),  # ranks every image right
        torch.tensor([[.1, .9, .8], [.2, .1, .7]]),
    ]
    samples = []
    for n in range(2):
        sample = DataSample().set_gt_label(torch.where(gt[n] > 0)[0])
        sample.set_pred_score(peer_scores[0][n])
        for i, scores in enumerate(peer_scores):
            sample.set_field(scores[n], f'peer{i}_pred_score')
        samples.append(sample)
    metrics = evaluator(
        dict(
            type='PeerMetric',
            metric=dict(type='PerImageAP'),
            num_peers=2,
            prefix='dml'))
    metrics.dataset_meta = dict(classes=('a', 'b', 'c'))
    assert all(m.dataset_meta['classes'] == ('a', 'b', 'c')
               for m in metrics.metrics[0].metrics)
    metrics.process(samples)
    results = metrics.evaluate(2)
    # peer 1: image 0 ranks its positives 2nd and 3rd, AP (1/2 + 2/3) / 2;
    # image 1 ranks its positive 3rd, AP 1/3
    peer1 = ((1 / 2 + 2 / 3) / 2 + 1 / 3) / 2 * 100
    assert results == pytest.approx({
        'dml/peer0/multi-label/per_image_AP':
        100.0,
        'dml/peer1/multi-label/per_image_AP':
        peer1,
    })


def test_config_errors():
    with pytest.raises(ConfigError, match='metric config'):
        PeerMetric(metric='Accuracy')
    with pytest.raises(ConfigError, match='num_peers'):
        PeerMetric(metric=dict(type='mmpretrain.Accuracy'), num_peers=0)
