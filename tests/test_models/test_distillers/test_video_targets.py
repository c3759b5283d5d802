"""SSKT and DML with an mmaction Recognizer3D target on tiny clips."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from sskt.registry import MODELS

MEAN = [114.7748, 107.7354, 99.4750]


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models run faster on one thread, above all on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


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


def clip_logits(recognizer, inputs):
    """The recognizer's logits of every clip, ``(B * num_clips, K)``."""
    return recognizer.cls_head(recognizer.extract_feat(inputs)[0])


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


# Which frame each source sees and the 3D TM's gradient to every stage are
# checked by value in test_video_mechanism; here the losses and predictions.
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
    data = clips(model)
    losses = model(**data, mode='loss')
    assert {'loss_cls', 'loss_aux_imagenet',
            'loss_aux_places365'} <= set(losses)
    logits = clip_logits(model.target, data['inputs'])
    torch.testing.assert_close(losses['loss_cls'],
                               F.cross_entropy(logits, torch.arange(2)))
    model.eval()
    data = clips(model, num_clips=3)
    with torch.no_grad():
        predictions = model(**copy.deepcopy(data), mode='predict')
        logits = clip_logits(model.target, data['inputs'])
    # average_clips='prob': the mean over the 3 clips of each softmax
    expected = torch.softmax(logits, dim=1).view(2, 3, 5).mean(dim=1)
    torch.testing.assert_close(
        torch.stack([p.pred_scores.item for p in predictions]), expected)


def test_dml_with_3d_peers():
    lr = 0.01
    model = build(dict(type='DML', peer=recognizer(all_stages=False)))
    with DefaultScope.overwrite_default_scope('sskt'):
        wrappers = build_optim_wrapper(
            model,
            dict(
                constructor='SeparateOptimWrapperConstructor',
                optimizer=dict(type='SGD', lr=lr),
                target=dict(),
                peers=dict(each_child=True)))
    data = dict(
        inputs=[
            torch.randint(0, 256, (1, 3, 4, 32, 32), dtype=torch.uint8)
            for _ in range(2)
        ],
        data_samples=[ActionDataSample().set_gt_labels(i) for i in range(2)])
    reference = copy.deepcopy(model)
    log = model.train_step(copy.deepcopy(data), wrappers)
    # by hand: CE + KL(p_1 || p_0) at T = 1, then one plain SGD step
    inputs = reference.data_preprocessor(copy.deepcopy(data), True)['inputs']
    own = clip_logits(reference.target, inputs)
    other = clip_logits(reference.peers[0], inputs).detach()
    ce = F.cross_entropy(own, torch.arange(2))
    q = F.softmax(other, dim=1)
    kl = (q * (q.log() - F.log_softmax(own, dim=1))).sum(1).mean()
    torch.testing.assert_close(log['loss_ce_peer0'], ce)
    torch.testing.assert_close(log['loss_kl_peer0'], kl)
    (ce + kl).backward()
    for (name, before), after in zip(reference.target.named_parameters(),
                                     model.target.parameters()):
        torch.testing.assert_close(after, before - lr * before.grad, msg=name)
    model.eval()
    with torch.no_grad():
        predictions = model.val_step(copy.deepcopy(data))
        inputs = model.data_preprocessor(copy.deepcopy(data), False)['inputs']
        peer1 = clip_logits(model.peers[0], inputs)
    torch.testing.assert_close(
        torch.stack([p.peer1_pred_scores.item for p in predictions]),
        torch.softmax(peer1, dim=1))
