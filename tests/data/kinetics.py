"""Write tiny stand-ins of Hara et al.'s (CVPR 2018) Kinetics checkpoints.

The network is an independent, minimal transcription of 3D-ResNets-PyTorch's
``models/resnet.py`` (not sskt's backbone), with the original key names and
the original shortcut A (``torch.cat([out.data, zeros])``). The file has the
published layout: ``{'epoch', 'arch', 'state_dict': {'module.' + k},
'optimizer'}``, written in the pre-1.6 serialization format and without
``num_batches_tracked`` (the published files predate PyTorch 0.4).
"""
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

LAYERS = {
    10: [1, 1, 1, 1],
    18: [2, 2, 2, 2],
    34: [3, 4, 6, 3],
    50: [3, 4, 6, 3]
}


def downsample_basic_block(x, planes, stride):
    out = F.avg_pool3d(x, kernel_size=1, stride=stride)
    zero_pads = torch.zeros(out.size(0), planes - out.size(1), *out.shape[2:])
    return torch.cat([out.data, zero_pads], dim=1)


class Block(nn.Module):
    """Hara's BasicBlock (``bottleneck=False``) or Bottleneck."""

    def __init__(self,
                 inplanes,
                 planes,
                 bottleneck,
                 stride=1,
                 downsample=None):
        super().__init__()
        self.bottleneck = bottleneck
        if bottleneck:
            self.conv1 = nn.Conv3d(inplanes, planes, 1, bias=False)
            self.conv2 = nn.Conv3d(planes, planes, 3, stride, 1, bias=False)
            self.conv3 = nn.Conv3d(planes, planes * 4, 1, bias=False)
            self.bn3 = nn.BatchNorm3d(planes * 4)
        else:
            self.conv1 = nn.Conv3d(inplanes, planes, 3, stride, 1, bias=False)
            self.conv2 = nn.Conv3d(planes, planes, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm3d(planes)
        self.bn2 = nn.BatchNorm3d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.bottleneck:
            out = self.bn3(self.conv3(F.relu(out)))
        residual = x if self.downsample is None else self.downsample(x)
        out += residual
        return F.relu(out)


class HaraResNet(nn.Module):
    """Hara's ``ResNet`` (sample_size 112, sample_duration 16)."""

    def __init__(self, depth=18, shortcut_type='B', num_classes=400):
        super().__init__()
        bottleneck, expansion = depth >= 50, 4 if depth >= 50 else 1
        self.inplanes = 64
        self.conv1 = nn.Conv3d(3, 64, 7, (1, 2, 2), (3, 3, 3), bias=False)
        self.bn1 = nn.BatchNorm3d(64)
        self.maxpool = nn.MaxPool3d(kernel_size=(3, 3, 3), stride=2, padding=1)
        for i, planes in enumerate([64, 128, 256, 512]):
            stride, downsample = 1 if i == 0 else 2, None
            if stride != 1 or self.inplanes != planes * expansion:
                if shortcut_type == 'A':
                    downsample = partial(
                        downsample_basic_block,
                        planes=planes * expansion,
                        stride=stride)
                else:
                    downsample = nn.Sequential(
                        nn.Conv3d(
                            self.inplanes,
                            planes * expansion,
                            1,
                            stride,
                            bias=False), nn.BatchNorm3d(planes * expansion))
            blocks = [
                Block(self.inplanes, planes, bottleneck, stride, downsample)
            ]
            self.inplanes = planes * expansion
            blocks += [
                Block(self.inplanes, planes, bottleneck)
                for _ in range(1, LAYERS[depth][i])
            ]
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
        self.avgpool = nn.AvgPool3d((1, 4, 4), stride=1)
        self.fc = nn.Linear(512 * expansion, num_classes)

    def stages(self, x):
        """The outputs of layer1..layer4 (what comes before avgpool)."""
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        outs = []
        for i in range(1, 5):
            x = getattr(self, f'layer{i}')(x)
            outs.append(x)
        return tuple(outs)

    def forward(self, x):
        return self.fc(self.avgpool(self.stages(x)[-1]).flatten(1))


def write_hara_kinetics_checkpoint(path: str,
                                   depth: int = 18,
                                   shortcut: str = 'A',
                                   seed: int = 0) -> nn.Module:
    """Save a seeded Hara ResNet as ``resnet-{depth}-kinetics.pth`` is.

    BN statistics and affine parameters are randomised, so that a wrong or
    partial load shows in the features.

    Args:
        path (str): Output file.
        depth (int): 10, 18, 34 or 50. Defaults to 18.
        shortcut (str): ``'A'`` or ``'B'``. Defaults to ``'A'``.
        seed (int): Random seed. Defaults to 0.

    Returns:
        nn.Module: The reference network, in eval mode.
    """
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = HaraResNet(depth, shortcut)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm3d):
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    state = {
        'module.' + k: v
        for k, v in model.state_dict().items()
        if not k.endswith('num_batches_tracked')
    }
    optimizer = {
        'state': {},
        'param_groups': [{
            'lr': 0.1,
            'momentum': 0.9,
            'dampening': 0.9,
            'weight_decay': 0.001,
            'nesterov': False,
            'params': list(range(len(state)))
        }]
    }
    torch.save(
        {
            'epoch': 200,
            'arch': f'resnet-{depth}',
            'state_dict': state,
            'optimizer': optimizer
        },
        path,
        _use_new_zipfile_serialization=False)
    return model.eval()
