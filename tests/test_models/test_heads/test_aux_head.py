"""Tests of AuxHead."""
import pytest
import torch
import torch.nn as nn

from sskt.models.heads import AuxHead
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def test_values_and_tuple_input():
    head = AuxHead(in_channels=2, num_classes=3)
    with torch.no_grad():
        head.fc.weight.copy_(torch.tensor([[1., 0.], [0., 2.], [1., -1.]]))
        head.fc.bias.copy_(torch.tensor([0.5, 0., -1.]))
    x = torch.tensor([[3., 4.]])
    # (3, 8, -1) + (0.5, 0, -1)
    assert head(x).tolist() == [[3.5, 8., -2.]]
    # of a tuple (an mmpretrain neck's output) the last element is read
    assert torch.equal(head((torch.zeros(1, 2), x)), head(x))


def test_single_linear_with_bias():
    head = MODELS.build(dict(type='AuxHead', in_channels=64, num_classes=1000))
    assert (head.in_channels, head.num_classes) == (64, 1000)
    layers = [m for m in head.modules() if m is not head]
    assert len(layers) == 1 and isinstance(layers[0], nn.Linear)
    assert head.fc.bias is not None
    assert sum(p.numel() for p in head.parameters()) == 64 * 1000 + 1000


def test_keeps_pytorch_default_init():
    torch.manual_seed(0)
    head = AuxHead(in_channels=8, num_classes=4)
    head.init_weights()
    torch.manual_seed(0)
    linear = nn.Linear(8, 4)
    assert torch.equal(head.fc.weight, linear.weight)
    assert torch.equal(head.fc.bias, linear.bias)


@pytest.mark.parametrize('kwargs', [
    dict(in_channels=0, num_classes=10),
    dict(in_channels=64, num_classes=None),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ConfigError):
        AuxHead(**kwargs)
