"""SSKT's fast path against the fp32 path: reduced-precision and compiled
sources; the switches that moved to hooks give one clear error.

The hooks themselves (channels-last, one host sync, target compilation) are
tested in tests/test_engine/test_*_hook.py."""
import copy

import pytest
import torch
from mmpretrain.structures import DataSample

from sskt.utils.errors import ConfigError
from tests.test_models.test_distillers.test_sskt import batch, build
from tests.test_models.test_distillers.tiny_models import source_cfg

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


@pytest.mark.parametrize('key, new', [
    ('channels_last', 'sskt.ChannelsLastHook'),
    ('compile_target', 'sskt.CompileTargetHook'),
    ('batched_log_sync', 'sskt.BatchedLogSyncHook'),
    ('soft_label_cache', 'SSKTWithSoftLabelCache'),
])
def test_a_retired_switch_names_its_new_setting(key, new):
    with pytest.raises(ConfigError, match=f'model.{key} .*{new}'):
        build(**{key: True})
    with pytest.raises(TypeError, match="unexpected keyword argument 'alhpa'"):
        build(alhpa=1.0)


def raw_batch(n=4):
    """A dataloader batch (uint8 images and data samples)."""
    generator = torch.Generator().manual_seed(1)
    return dict(
        inputs=[
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[DataSample().set_gt_label(i % 10) for i in range(n)])


def test_compiled_sources_match_eager():
    # backend='eager' checks the wiring in seconds; inductor is GPU-checked
    compile_cfg = dict(backend='eager')
    reference, fast = _pair(
        sources=dict(
            imagenet=source_cfg(7, compile=compile_cfg),
            places365=source_cfg(5)))
    assert fast.sources['imagenet'].net._compiled_call_impl is not None
    data = batch(reference)
    expected = reference(**copy.deepcopy(data), mode='loss')
    got = fast(**copy.deepcopy(data), mode='loss')
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value)
