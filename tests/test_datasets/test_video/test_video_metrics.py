"""Tests of the clip- and video-level accuracies on fake predictions."""
import pytest
import torch
from mmaction.evaluation import AccMetric
from mmaction.models.heads import I3DHead
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmengine.structures import LabelData

from sskt.evaluation.metrics import ClipAccuracy, VideoAccuracy


def sample(scores, label, **meta):
    s = ActionDataSample().set_gt_labels(label)
    s.set_metainfo(meta)
    # as BaseHead.predict_by_feat: (C, ), or (K, C) with average_clips=None
    s.pred_scores = LabelData(item=torch.tensor(scores, dtype=torch.float32))
    return s


def evaluate(metric, samples):
    with DefaultScope.overwrite_default_scope('sskt'):
        evaluator = Evaluator(metric)
    evaluator.process(data_samples=samples, data_batch=None)
    return evaluator.evaluate(len(samples))


def test_clip_accuracy_hand_computed():
    samples = [
        sample([0.1, 0.7, 0.2], 1, num_clips=1),  # top1 hit
        sample([0.5, 0.2, 0.3], 2, num_clips=1),  # top1 miss, top2 hit
        # average_clips=None: one row per clip, each counted
        sample([[0.2, 0.1, 0.7], [0.6, 0.3, 0.1]], 2),  # hit; miss, miss
    ]
    # 4 clips: top1 2/4, top2 3/4
    assert evaluate(dict(type='ClipAccuracy', topk=(1, 2)), samples) == {
        'clip/top1': 50.0,
        'clip/top2': 75.0
    }
    assert evaluate(dict(type='ClipAccuracy', topk=5), samples) == {
        'clip/top5': 100.0
    }


def test_clip_accuracy_refuses_averaged_clips():
    samples = [sample([0.1, 0.7, 0.2], 1, num_clips=3)]
    with pytest.raises(ValueError, match='average_clips=None'):
        evaluate(dict(type='ClipAccuracy'), samples)


def test_video_accuracy_hand_computed():
    samples = [
        sample([0.2, 0.5, 0.3], 1),  # averaged by the head: hit
        sample([0.2, 0.5, 0.3], 2),  # miss, top2 hit
        # per-clip logits, softmax averaged here: (0.46, 0.39, 0.15): miss
        sample([[4.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], 2),
        # (0.42, 0.08, 0.51): hit
        sample([[0.0, 0.0, 3.0], [2.0, 0.0, 0.0]], 2),
    ]
    assert evaluate(dict(type='VideoAccuracy', topk=(1, 2)), samples) == {
        'video/top1': 50.0,
        'video/top2': pytest.approx(100.0 * 3 / 4)
    }


def test_video_accuracy_equals_mmaction_accmetric():
    torch.manual_seed(0)
    samples = [
        sample(torch.rand(5).softmax(0).tolist(), i % 5) for i in range(12)
    ]
    ours = evaluate(VideoAccuracy(topk=(1, 3)), samples)
    theirs = evaluate(
        AccMetric(
            metric_list=('top_k_accuracy', ),
            metric_options=dict(top_k_accuracy=dict(topk=(1, 3)))), samples)
    assert ours['video/top1'] == pytest.approx(100 * theirs['acc/top1'])
    assert ours['video/top3'] == pytest.approx(100 * theirs['acc/top3'])


def test_through_an_mmaction_head():
    """The configs' design end to end, from the head's raw clip scores.

    Test: one sample per video with all its clips and
    ``average_clips='prob'``: the head averages the softmax, VideoAccuracy
    takes it. Validation: one sample per clip, same head: ClipAccuracy
    counts every clip.
    """
    head = I3DHead(num_classes=3, in_channels=4, average_clips='prob')
    clip_scores = torch.tensor([
        [5.0, 0.0, 0.0],  # video 0 (label 1), clip 0
        [0.0, 1.0, 0.0],  # clip 1
        [0.0, 1.0, 0.0],  # clip 2
        [0.0, 0.0, 1.0],  # video 1 (label 2)
        [0.0, 0.0, 1.0],
        [0.0, 1.5, 0.0],
    ])
    videos = head.predict_by_feat(clip_scores, [
        ActionDataSample(metainfo=dict(num_clips=3)).set_gt_labels(label)
        for label in (1, 2)
    ])
    expected = clip_scores.view(2, 3, 3).softmax(2).mean(1)
    assert torch.allclose(videos[0].pred_scores.item, expected[0])
    assert evaluate(dict(type='VideoAccuracy', topk=1), videos) == {
        'video/top1': 50.0
    }  # video 0 -> class 0

    clips = head.predict_by_feat(clip_scores, [
        ActionDataSample(metainfo=dict(num_clips=1)).set_gt_labels(label)
        for label in (1, 1, 1, 2, 2, 2)
    ])
    assert evaluate(dict(type='ClipAccuracy', topk=1), clips) == {
        'clip/top1': pytest.approx(400 / 6)
    }
    with pytest.raises(ValueError, match='averaged them'):
        evaluate(dict(type='ClipAccuracy'), videos)


def test_bad_topk():
    with pytest.raises(ValueError, match='topk'):
        ClipAccuracy(topk=(0, ))
