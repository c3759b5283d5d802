"""ChannelsLastHook: 4D weights and 4D batches in channels-last, the
losses and gradients of SSKT as in the contiguous layout."""
import copy
from types import SimpleNamespace

import torch

from sskt.engine.hooks import ChannelsLastHook
from tests.test_models.test_distillers.test_sskt import build
from tests.test_models.test_distillers.test_sskt_fast_path import raw_batch

CHANNELS_LAST = torch.channels_last


def _pair():
    torch.manual_seed(0)
    reference = build()
    fast = copy.deepcopy(reference)
    ChannelsLastHook().before_run(SimpleNamespace(model=fast))
    return reference, fast


def test_weights_sources_and_batches_are_channels_last():
    reference, fast = _pair()
    assert fast.target.backbone.conv1.weight.is_contiguous(
        memory_format=CHANNELS_LAST)
    assert fast.sources['imagenet'].net.conv1.weight.is_contiguous(
        memory_format=CHANNELS_LAST)
    conv = reference.target.backbone.conv1.weight
    assert not conv.is_contiguous(memory_format=CHANNELS_LAST)
    for training in (True, False):
        data = fast.data_preprocessor(raw_batch(), training)
        assert data['inputs'].is_contiguous(memory_format=CHANNELS_LAST)
        plain = reference.data_preprocessor(raw_batch(), training)
        assert torch.equal(data['inputs'], plain['inputs'])


def test_losses_and_gradients_equal_the_contiguous_ones():
    reference, fast = _pair()
    data = reference.data_preprocessor(raw_batch(), True)
    expected = reference(**copy.deepcopy(data), mode='loss')
    got = fast(**fast.data_preprocessor(raw_batch(), True), mode='loss')
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value, rtol=1e-5, atol=1e-6)
    sum(expected.values()).backward()
    sum(got.values()).backward()
    grads = dict(reference.named_parameters())
    for name, param in fast.named_parameters():
        torch.testing.assert_close(
            param.grad, grads[name].grad, rtol=1e-4, atol=1e-6)
