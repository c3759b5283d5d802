"""SSKT with a 3D target: which frame each source sees, and the 3D branches.

Through ``model.loss``: a clip whose frame ``t`` holds the value ``t``
(plus an offset per clip) tells, from what the source network receives,
exactly which frame of which clip it was given (``docs/method.md``, "Video
targets": the centre frame ``T // 2``, index 8 of 16). The 3D transfer
module sends every stage the gradient of a hand-built 3D branch.
"""
import contextlib
from typing import Dict, Iterator, List

import torch
from mmaction.structures import ActionDataSample

from tests.test_models import reference_ops as ref
from tests.test_models.test_distillers.tiny_models import (build_model,
                                                           video_sskt_cfg)

#: The sources' ImageNet mean/std on the 0-255 scale (the 3D target's is
#: tiny_models.VIDEO_MEAN, std 1).
IMAGENET_MEAN = torch.tensor([123.675, 116.28, 103.53])
IMAGENET_STD = torch.tensor([58.395, 57.12, 57.375])
FRAMES, SIZE, BATCH = 16, 16, 3
ALPHA = 0.5

#: The sources see the centre frame of each clip, at its own size.
ADAPTER = dict(type='SourceAdapter', frame='centre', scale_factor=1.0)


def build(**kwargs) -> torch.nn.Module:
    torch.manual_seed(0)
    model = build_model(
        video_sskt_cfg(
            ADAPTER,
            out_channels=16,
            mid_channels=8,
            probe_input_shape=(3, FRAMES, SIZE, SIZE),
            alpha=ALPHA,
            **kwargs))
    return model.train()


def numbered_clips(model, clips: int = 1, training: bool = True) -> dict:
    """Frame ``t`` of clip ``n`` (samples' clips in order) holds ``t + 16 n``.
    """
    inputs = []
    for b in range(BATCH):
        sample = torch.empty(clips, 3, FRAMES, SIZE, SIZE)
        for k in range(clips):
            n = b * clips + k
            for t in range(FRAMES):
                sample[k, :, t] = t + FRAMES * n
        inputs.append(sample)
    data = dict(
        inputs=inputs,
        data_samples=[
            ActionDataSample().set_gt_labels(i % 5) for i in range(BATCH)
        ])
    return model.data_preprocessor(data, training=training)


@contextlib.contextmanager
def source_inputs(model) -> Iterator[Dict[str, List[torch.Tensor]]]:
    """What each source's network (after its adapter) receives."""
    seen: Dict[str, List[torch.Tensor]] = {name: [] for name in model.sources}

    def record(name):

        def hook(module, args):
            seen[name].append(args[0].clone())

        return hook

    handles = [
        source.net.register_forward_pre_hook(record(name))
        for name, source in model.sources.items()
    ]
    try:
        yield seen
    finally:
        for handle in handles:
            handle.remove()


def centre_frames(num_clips: int) -> torch.Tensor:
    """What the source network should get: frame 8 of each clip, in order.

    Frame 8 of clip ``n`` holds ``8 + 16 n``; the target subtracted MEAN
    (std 1), the adapter maps it back and applies ImageNet's mean/std.
    """
    centre = FRAMES // 2
    assert centre == 8
    values = torch.tensor([centre + FRAMES * n for n in range(num_clips)])
    expected = (values.view(-1, 1).float() - IMAGENET_MEAN) / IMAGENET_STD
    return expected.view(-1, 3, 1, 1).expand(-1, 3, SIZE, SIZE)


def test_each_source_sees_the_centre_frame_of_every_clip():
    model = build()
    with source_inputs(model) as seen:
        losses = model(**numbered_clips(model), mode='loss')
    assert {'loss_aux_imagenet', 'loss_aux_places365'} <= set(losses)
    for name, calls in seen.items():
        assert len(calls) == 1, name
        torch.testing.assert_close(
            calls[0], centre_frames(BATCH), rtol=0, atol=1e-5, msg=name)


def test_several_clips_per_sample_are_folded_in_order():
    # validation with the aux loss: 2 clips per sample, clip-major order
    model = build(aux_in_val_loss=True).eval()
    with source_inputs(model) as seen, torch.no_grad():
        model(**numbered_clips(model, clips=2, training=False), mode='predict')
    for name, calls in seen.items():
        assert len(calls) == 1, name
        torch.testing.assert_close(
            calls[0], centre_frames(2 * BATCH), rtol=0, atol=1e-5, msg=name)


def test_3d_tm_sends_every_stage_the_hand_built_gradient():
    model = build()
    with torch.no_grad():  # so that a branch without its BN affine differs
        for name, param in model.aux_branches.named_parameters():
            if param.dim() == 1:
                param.uniform_(-0.5, 1.5)
    stages: List[torch.Tensor] = []
    teachers: Dict[str, torch.Tensor] = {}

    def on_backbone(module, args, output):
        stages[:] = [f.clone() for f in output]
        for f in stages:
            f.retain_grad()
        return tuple(stages)

    def on_source(name):
        return lambda module, args, out: teachers.__setitem__(name, out)

    handles = [model.target.backbone.register_forward_hook(on_backbone)]
    handles += [
        s.register_forward_hook(on_source(n))
        for n, s in model.sources.items()
    ]
    losses = model(**numbered_clips(model), mode='loss')
    for handle in handles:
        handle.remove()
    assert len(stages) == 4
    for name in model.sources:
        feats = [f.detach().clone().requires_grad_() for f in stages]
        neck, head = model.aux_branches[name]
        logits = ref.linear(ref.transfer_module(feats, neck), head.fc)
        expected_loss = ALPHA * ref.soft_target_ce(logits, teachers[name], 1.)
        torch.testing.assert_close(losses[f'loss_aux_{name}'], expected_loss)
        expected = torch.autograd.grad(expected_loss, feats)
        for f in stages:
            f.grad = None
        losses[f'loss_aux_{name}'].backward(retain_graph=True)
        for i, (f, want) in enumerate(zip(stages, expected)):
            assert f.grad is not None, f'{name}: stage {i} got no gradient'
            assert want.abs().max() > 0
            torch.testing.assert_close(
                f.grad, want, rtol=1e-4, atol=1e-7, msg=f'{name}: stage {i}')
