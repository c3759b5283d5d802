"""SSKT and DML with an mmaction Recognizer3D target on tiny clips."""
import copy

import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           recognizer_cfg,
                                                           video_sskt_cfg)

#: The sources see the centre frame of each clip, resized to 32.
ADAPTER = dict(type='SourceAdapter', frame='centre', size=32)


def clip_logits(recognizer, inputs):
    """The recognizer's logits of every clip, ``(B * num_clips, K)``."""
    return recognizer.cls_head(recognizer.extract_feat(inputs)[0])


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
    model = build_model(
        video_sskt_cfg(
            ADAPTER,
            out_channels=32,
            mid_channels=16,
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
    model = build_model(
        dict(type='DML', peer=recognizer_cfg(all_stages=False)))
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
