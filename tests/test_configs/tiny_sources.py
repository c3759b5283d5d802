"""A tiny stand-in for the torchvision network inside every FrozenSource.

Building a random ResNet-50 and running it on a 224-px batch costs about a
second on 2 CPU cores, and most configs build two. Where the size of the
sources is not what a test checks (a config parses, builds and trains a
step), :func:`use_tiny_sources` makes ``FrozenSource`` build
:class:`TinySourceNet` instead: same input (any ``B x 3 x H x W``), same
number of classes, the same width before the last layer, a BatchNorm (so
``bn_mode`` still has something to switch) and a few thousand
multiply-adds per pixel.
"""
import sys

import pytest
from torch import Tensor, nn

from sskt.models.sources import FrozenSource

#: Width of the features the last layer of each torchvision arch reads.
#: ``test_configs.py`` checks these against the real networks.
PENULTIMATE_WIDTHS = {
    'resnet18': 512,
    'resnet34': 512,
    'resnet50': 2048,
    'vgg16': 4096,
    'vgg16_bn': 4096,
}


class TinySourceNet(nn.Module):
    """conv 3x3 / 4 - BN - ReLU - pool - linear to ``width`` - ``fc``.

    Args:
        num_classes (int): Outputs of ``fc``.
        width (int): Inputs of ``fc`` (the real arch's penultimate width).
    """

    def __init__(self, num_classes: int, width: int) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.BatchNorm2d(8),
            nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(8, width), nn.ReLU())
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        """``B x 3 x H x W`` images to ``B x num_classes`` logits."""
        return self.fc(self.features(x))


def tiny_classifier(arch: str, num_classes: int) -> TinySourceNet:
    """What ``FrozenSource`` builds for ``arch`` under the patch.

    Args:
        arch (str): The config's torchvision arch (must be in
            :data:`PENULTIMATE_WIDTHS`).
        num_classes (int): The config's number of source classes.

    Returns:
        TinySourceNet: The stand-in network.
    """
    assert arch in PENULTIMATE_WIDTHS, (
        f'a config uses source arch {arch!r}; add its penultimate width to '
        'tests/test_configs/tiny_sources.py')
    return TinySourceNet(num_classes, PENULTIMATE_WIDTHS[arch])


def use_tiny_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every ``FrozenSource`` built from now on (in this test) tiny.

    Patches the network builder that ``FrozenSource.__init__`` calls; the
    rest of the source (adapter, ``bn_mode``, inference mode) is the real
    one.

    Args:
        monkeypatch (pytest.MonkeyPatch): The test's monkeypatch fixture.
    """
    module = sys.modules[FrozenSource.__module__]
    monkeypatch.setattr(module, 'build_torchvision_classifier',
                        tiny_classifier)
