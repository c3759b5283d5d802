"""SSKT and DML with an mmaction Recognizer3D target on tiny clips."""
import copy

import torch
from mmaction.structures import ActionDataSample
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from sskt.registry import MODELS

MEAN = [114.7748, 107.7354, 99.4750]


def recognizer(all_stages=True):
    return dict(
        _scope_='mmaction',
        type='Recognizer3D',
        backbone=dict(
            type='sskt.HaraResNet3d',
            depth=10,
            out_indices=(0, 1, 2, 3) if all_stages else (3, )),
        neck=dict(type='sskt.LastStage') if all_stages else None,
        cls_head=dict(
            type='I3DHead',
            num_classes=5,
            in_channels=512,
            dropout_ratio=0.0,
            average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=MEAN,
            std=[1, 1, 1],
            format_shape='NCTHW'))


def source(num_classes):
    return dict(
        type='FrozenSource',
        arch='resnet18',
        num_classes=num_classes,
        allow_random=True,
        adapter=dict(type='SourceAdapter', frame='centre', size=32))


def build(cfg):
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(cfg)
    model.init_weights()
    return model


def clips(model, n=2, num_clips=1):
    generator = torch.Generator().manual_seed(0)
    data = dict(
        inputs=[
            torch.randint(
                0,
                256, (num_clips, 3, 4, 32, 32),
                generator=generator,
                dtype=torch.uint8).float() for _ in range(n)
        ],
        data_samples=[
            ActionDataSample().set_gt_labels(i % 5) for i in range(n)
        ])
    return model.data_preprocessor(data, training=True)


def test_sskt_with_a_3d_target_and_centre_frame_sources():
    model = build(
        dict(
            type='SSKT',
            target=recognizer(),
            sources=dict(imagenet=source(7), places365=source(6)),
            aux=dict(
                neck=dict(
                    type='TransferModule',
                    out_channels=32,
                    mid_channels=16,
                    dims=3)),
            probe_input_shape=(3, 4, 32, 32)))
    assert tuple(model.aux_branches['imagenet'][0].in_channels) == (64, 128,
                                                                    256, 512)
    losses = model(**clips(model), mode='loss')
    assert {'loss_cls', 'loss_aux_imagenet',
            'loss_aux_places365'} <= set(losses)
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert model.target.backbone.conv1.weight.grad is not None
    # the sources saw one centre frame per clip, renormalised to ImageNet's
    adapter = model.sources['imagenet'].adapter
    frames = adapter(clips(model)['inputs'].flatten(0, 1))
    assert frames.shape == (2, 3, 32, 32)
    model.eval()
    with torch.no_grad():
        predictions = model(**clips(model, num_clips=3), mode='predict')
    scores = predictions[0].pred_scores.item
    assert scores.shape == (5, ) and torch.isclose(scores.sum(),
                                                   torch.tensor(1.0))


def test_dml_with_3d_peers():
    model = build(dict(type='DML', peer=recognizer(all_stages=False)))
    with DefaultScope.overwrite_default_scope('sskt'):
        wrappers = build_optim_wrapper(
            model,
            dict(
                constructor='SeparateOptimWrapperConstructor',
                peers=dict(
                    each_child=True, optimizer=dict(type='SGD', lr=0.01))))
    data = dict(
        inputs=[
            torch.randint(0, 256, (1, 3, 4, 32, 32), dtype=torch.uint8)
            for _ in range(2)
        ],
        data_samples=[ActionDataSample().set_gt_labels(i) for i in range(2)])
    before = copy.deepcopy(model.peers[1].state_dict())
    log = model.train_step(data, wrappers)
    assert {'loss_ce_peer0', 'loss_kl_peer1'} <= set(log)
    assert any(not torch.equal(v, before[k])
               for k, v in model.peers[1].state_dict().items())
    model.eval()
    with torch.no_grad():
        predictions = model.val_step(data)
    assert 'peer1_pred_scores' in predictions[0]
