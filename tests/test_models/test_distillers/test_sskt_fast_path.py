"""SSKT's fast-path options against the fp32 path: reduced-precision
sources, channels-last, one host sync for the logs, compilation."""
import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmpretrain.structures import DataSample

from tests.test_models.test_distillers.test_sskt import batch, build, \
    source_cfg

AUX_KEYS = ('loss_aux_imagenet', 'loss_aux_places365')


def _pair(**options):
    """An fp32 SSKT and one with ``options``, with the same weights."""
    torch.manual_seed(0)
    reference = build()
    fast = build(**options)
    fast.load_state_dict(reference.state_dict())
    for name, source in fast.sources.items():
        source.net.load_state_dict(reference.sources[name].net.state_dict())
    return reference.eval(), fast.eval()


@pytest.mark.parametrize('dtype', ['bfloat16', 'float16'])
def test_reduced_precision_sources_keep_aux_losses_within_1e_2(dtype):
    options = dict(autocast_dtype=dtype, autocast_devices=('cpu', ))
    reference, fast = _pair(
        sources=dict(
            imagenet=source_cfg(7, **options),
            places365=source_cfg(5, **options)))
    data = batch(reference, n=8)
    expected = reference(**copy.deepcopy(data), mode='loss')
    got = fast(**copy.deepcopy(data), mode='loss')
    for key in AUX_KEYS:
        error = abs(got[key] - expected[key]) / expected[key]
        assert error <= 1e-2, (key, float(error))
    # the logits really were computed in reduced precision
    logits = fast.sources['imagenet'](data['inputs'])
    exact = reference.sources['imagenet'](data['inputs'])
    assert logits.dtype == torch.float32 and not torch.equal(logits, exact)
    assert torch.equal(got['loss_cls'], expected['loss_cls'])


def test_channels_last_gives_the_same_losses_and_gradients():
    reference, fast = _pair(channels_last=True)
    conv = fast.target.backbone.conv1.weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    source_conv = fast.sources['imagenet'].net.conv1.weight
    assert source_conv.is_contiguous(memory_format=torch.channels_last)
    data = batch(reference)
    reference.train(), fast.train()
    expected = reference(**copy.deepcopy(data), mode='loss')
    got = fast(**copy.deepcopy(data), mode='loss')
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value, rtol=1e-5, atol=1e-6)
    sum(expected.values()).backward()
    sum(got.values()).backward()
    grads = dict(reference.named_parameters())
    for name, param in fast.named_parameters():
        torch.testing.assert_close(
            param.grad, grads[name].grad, rtol=1e-4, atol=1e-6)


def test_batched_log_sync_returns_the_same_values_as_floats():
    reference, fast = _pair(batched_log_sync=True)
    reference.train(), fast.train()
    data = _raw_batch()
    wrapper_cfg = dict(optimizer=dict(type='SGD', lr=0.0))
    expected = reference.train_step(
        copy.deepcopy(data), build_optim_wrapper(reference, wrapper_cfg))
    got = fast.train_step(
        copy.deepcopy(data), build_optim_wrapper(fast, wrapper_cfg))
    assert list(got) == list(expected)
    assert all(type(v) is float for v in got.values())
    assert list(got.values()) == pytest.approx(
        [v.item() for v in expected.values()], rel=1e-6)


def _raw_batch(n=4):
    """A dataloader batch (uint8 images and data samples)."""
    generator = torch.Generator().manual_seed(1)
    return dict(
        inputs=[
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[DataSample().set_gt_label(i % 10) for i in range(n)])


def test_compiled_target_and_sources_match_eager():
    # backend='eager' checks the wiring in seconds; inductor is GPU-checked
    compile_cfg = dict(backend='eager')
    reference, fast = _pair(
        compile_target=compile_cfg,
        sources=dict(
            imagenet=source_cfg(7, compile=compile_cfg),
            places365=source_cfg(5)))
    assert fast.target.backbone._compiled_call_impl is not None
    assert fast.sources['imagenet'].net._compiled_call_impl is not None
    # the keys of a compiled-in-place module do not change
    assert set(fast.state_dict()) == set(reference.state_dict())
    data = batch(reference)
    expected = reference(**copy.deepcopy(data), mode='loss')
    got = fast(**copy.deepcopy(data), mode='loss')
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value)
