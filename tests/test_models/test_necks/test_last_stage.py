"""LastStage: an all-stages 3D backbone under mmaction's I3DHead."""
import torch
from mmaction.structures import ActionDataSample
from mmengine.registry import DefaultScope

from sskt.models.necks import LastStage
from sskt.registry import MODELS


def recognizer(out_indices, neck=None):
    """A tiny-width Recognizer3D (HaraResNet3d-10) with an I3DHead."""
    cfg = dict(
        _scope_='mmaction',
        type='Recognizer3D',
        backbone=dict(
            type='sskt.HaraResNet3d',
            depth=10,
            widen_factor=0.25,
            out_indices=out_indices),
        cls_head=dict(
            type='I3DHead',
            num_classes=5,
            in_channels=128,
            spatial_type='avg',
            dropout_ratio=0.5,
            average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=[114.7748, 107.7354, 99.4750],
            std=[1, 1, 1],
            format_shape='NCTHW'))
    if neck is not None:
        cfg['neck'] = neck
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(cfg)
    model.init_weights()
    return model


def clip_batch(labels=(1, 4)):
    torch.manual_seed(0)
    return dict(
        inputs=[torch.rand(1, 3, 4, 32, 32) * 255 for _ in labels],
        data_samples=[ActionDataSample().set_gt_labels(i) for i in labels])


def test_selects_the_last_stage():
    neck = MODELS.build(dict(type='LastStage'))
    assert isinstance(neck, LastStage) and list(neck.parameters()) == []
    stages = (torch.rand(1, 2), torch.rand(1, 3))
    out, loss_aux = neck(stages, data_samples=[])
    assert out is stages[-1] and loss_aux == {}
    out, loss_aux = neck(list(stages))
    assert out is stages[-1] and loss_aux == {}
    assert neck(stages[0])[0] is stages[0]


def test_recognizer_with_all_stages_trains_and_predicts():
    model = recognizer((0, 1, 2, 3), neck=dict(type='sskt.LastStage'))
    assert isinstance(model.neck, LastStage)
    feats, _ = model.extract_feat(
        torch.rand(2, 1, 3, 4, 32, 32), stage='backbone')
    assert isinstance(feats, tuple) and len(feats) == 4

    data = model.data_preprocessor(clip_batch(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'top1_acc', 'top5_acc'}
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    assert model.backbone.layer4[0].conv1.weight.grad is not None

    # Same weights, last stage only and no neck: the same predictions.
    plain = recognizer((3, ))
    plain.load_state_dict(model.state_dict())
    scores = []
    for net in (model.eval(), plain.eval()):
        data = net.data_preprocessor(clip_batch(), training=False)
        with torch.no_grad():
            samples = net(**data, mode='predict')
        scores.append(torch.stack([s.pred_scores.item for s in samples]))
    assert scores[0].shape == (2, 5)
    assert torch.allclose(scores[0], scores[1])
