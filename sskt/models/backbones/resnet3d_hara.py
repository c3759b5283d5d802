"""The 3D ResNet of Hara et al. (CVPR 2018), the target of SSKT's video part.

Kensho Hara, Hirokatsu Kataoka and Yutaka Satoh, "Can Spatiotemporal 3D CNNs
Retrace the History of 2D CNNs and ImageNet?", CVPR 2018; code:
3D-ResNets-PyTorch ``models/resnet.py``, copied into ``3D_SSKT/models``
(``docs/method.md``, "Video targets"). mmaction's ``ResNet3d`` cannot
express it: its stem pool is 1x3x3 and it has no parameter-free shortcut.
Module names follow the original (``conv1``, ``bn1``, ``layerI.J.convK/bnK``,
``downsample.0/1``), so the published Kinetics-400 weights load after
stripping ``module.`` (see
:class:`sskt.models.weight_init_kinetics.HaraKineticsPretrained`).
"""
from typing import Dict, Optional, Sequence, Tuple, Type, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from .cifar_resnet import normalize_out_indices


class HaraShortcutA(nn.Module):
    """Parameter-free shortcut "A": subsample, then append zero channels.

    ``avg_pool3d(x, kernel_size=1, stride)`` is a plain subsample; the
    missing channels are zeros concatenated **at the end** (not split around
    the input as in the CIFAR option A). The original builds the output from
    ``x.data``, so no gradient flows back through this path; that is the
    default here too.

    Args:
        out_channels (int): Output channels (at least the input's).
        stride (int): Subsampling stride in T, H and W.
        grad (bool): Let the gradient flow through the subsample (a
            departure from the original). Defaults to False.
    """

    def __init__(self, out_channels: int, stride: int, grad: bool = False):
        super().__init__()
        self.out_channels = out_channels
        self.stride = stride
        self.grad = grad

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Subsample ``x`` (B x C x T x H x W) and zero-pad its channels."""
        if not self.grad:
            x = x.detach()  # the original's ``out.data``
        out = F.avg_pool3d(x, kernel_size=1, stride=self.stride)
        zeros = out.new_zeros((out.size(0), self.out_channels - out.size(1)) +
                              tuple(out.shape[2:]))
        return torch.cat([out, zeros], dim=1)

    def extra_repr(self) -> str:
        """Shown by ``print(model)``."""
        return (f'out_channels={self.out_channels}, stride={self.stride}, '
                f'grad={self.grad}')


def conv3x3x3(in_channels: int, out_channels: int, stride: int = 1):
    """3x3x3 convolution, padding 1, no bias."""
    return nn.Conv3d(
        in_channels, out_channels, 3, stride=stride, padding=1, bias=False)


class BasicBlock3d(nn.Module):
    """conv3x3x3-BN-ReLU-conv3x3x3-BN plus the shortcut, then ReLU.

    Args:
        in_channels (int): Input channels.
        planes (int): Output channels.
        stride (int): Stride of the first conv. Defaults to 1.
        downsample (nn.Module, optional): The shortcut when the shape
            changes. Defaults to None (identity).
    """
    expansion = 1

    def __init__(self,
                 in_channels: int,
                 planes: int,
                 stride: int = 1,
                 downsample: Optional[nn.Module] = None) -> None:
        super().__init__()
        self.conv1 = conv3x3x3(in_channels, planes, stride)
        self.bn1 = nn.BatchNorm3d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3x3(planes, planes)
        self.bn2 = nn.BatchNorm3d(planes)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward one block."""
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck3d(nn.Module):
    """conv1x1x1-conv3x3x3 (stride)-conv1x1x1 (x4 channels) with BN, ReLU.

    Args:
        in_channels (int): Input channels.
        planes (int): Width of the block; the output has ``4 * planes``.
        stride (int): Stride of the 3x3x3 conv. Defaults to 1.
        downsample (nn.Module, optional): The shortcut when the shape
            changes. Defaults to None (identity).
    """
    expansion = 4

    def __init__(self,
                 in_channels: int,
                 planes: int,
                 stride: int = 1,
                 downsample: Optional[nn.Module] = None) -> None:
        super().__init__()
        self.conv1 = nn.Conv3d(in_channels, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm3d(planes)
        self.conv2 = conv3x3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm3d(planes)
        self.conv3 = nn.Conv3d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm3d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward one block."""
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


Block = Union[Type[BasicBlock3d], Type[Bottleneck3d]]


@MODELS.register_module()
class HaraResNet3d(BaseModule):
    """Hara et al.'s 3D ResNet (CVPR 2018), without its avgpool and fc.

    conv1 (``conv1_t_size`` x 7 x 7, stride (``conv1_t_stride``, 2, 2)) -> BN
    -> ReLU -> MaxPool3d(3, stride 2, padding 1), then four stages of widths
    64/128/256/512 (x ``widen_factor``, x4 for bottlenecks); stages 2-4 have
    stride 2 in T, H and W. For a 16x112x112 clip and depth 18 the stages are
    64x8x28x28, 128x4x14x14, 256x2x7x7 and 512x1x4x4; an mmaction ``I3DHead``
    (``spatial_type='avg'``) then does what Hara's avgpool + fc do.

    Args:
        depth (int): 10, 18, 34 (BasicBlock3d) or 50, 101, 152, 200
            (Bottleneck3d). Defaults to 18.
        shortcut (str): ``'A'``: parameter-free (subsample + zero channels,
            see :class:`HaraShortcutA`), as the Kinetics ResNet-18/34 weights
            and SSKT's README use; ``'B'``: 1x1x1 conv + BN, as the
            ResNet-50+ weights use. Defaults to ``'A'``.
        in_channels (int): Input channels. Defaults to 3.
        out_indices (int | Sequence[int]): Stages to return, 0 to 3. One
            index gives a tensor (what mmaction's ``I3DHead`` takes), several
            a tuple (for SSKT's auxiliary branches; add a
            :class:`~sskt.models.necks.LastStage` neck). Defaults to ``(3, )``.
        conv1_t_size (int): Temporal kernel size of conv1 (padding
            ``conv1_t_size // 2``). Defaults to 7.
        conv1_t_stride (int): Temporal stride of conv1. Defaults to 1.
        no_max_pool (bool): Drop the stem max-pool. Defaults to False.
        widen_factor (float): Width multiplier of every stage and of conv1.
            Defaults to 1.0.
        shortcut_grad (bool): Let the gradient flow through shortcut A; the
            original does not (it uses ``.data``). Defaults to False.
        init_cfg (dict | list[dict], optional): Initialization config, e.g.
            ``dict(type='sskt.HaraKineticsPretrained', checkpoint=...)``. The
            original init always runs first: kaiming-normal (fan_out) on every
            Conv3d, BN weight 1 and bias 0. Defaults to None.
    """
    arch_settings: Dict[int, Tuple[Block, Tuple[int, ...]]] = {
        10: (BasicBlock3d, (1, 1, 1, 1)),
        18: (BasicBlock3d, (2, 2, 2, 2)),
        34: (BasicBlock3d, (3, 4, 6, 3)),
        50: (Bottleneck3d, (3, 4, 6, 3)),
        101: (Bottleneck3d, (3, 4, 23, 3)),
        152: (Bottleneck3d, (3, 8, 36, 3)),
        200: (Bottleneck3d, (3, 24, 36, 3)),
    }

    def __init__(self,
                 depth: int = 18,
                 shortcut: str = 'A',
                 in_channels: int = 3,
                 out_indices: Union[int, Sequence[int]] = (3, ),
                 conv1_t_size: int = 7,
                 conv1_t_stride: int = 1,
                 no_max_pool: bool = False,
                 widen_factor: float = 1.0,
                 shortcut_grad: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise ConfigError(f'HaraResNet3d depth must be one of '
                              f'{sorted(self.arch_settings)}, got {depth!r}')
        if shortcut not in ('A', 'B'):
            raise ConfigError("HaraResNet3d shortcut must be 'A' (parameter-"
                              "free) or 'B' (1x1x1 conv + BN), got "
                              f'{shortcut!r}')
        if not widen_factor > 0:
            raise ConfigError('HaraResNet3d widen_factor must be positive, '
                              f'got {widen_factor!r}')
        self.depth = depth
        self.shortcut = shortcut
        self.shortcut_grad = shortcut_grad
        self.widen_factor = widen_factor
        self.out_indices = normalize_out_indices(out_indices, 4)
        block, stage_blocks = self.arch_settings[depth]
        widths = [int(w * widen_factor) for w in (64, 128, 256, 512)]
        self.stage_channels = tuple(w * block.expansion for w in widths)

        self.conv1 = nn.Conv3d(
            in_channels,
            widths[0], (conv1_t_size, 7, 7),
            stride=(conv1_t_stride, 2, 2),
            padding=(conv1_t_size // 2, 3, 3),
            bias=False)
        self.bn1 = nn.BatchNorm3d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = None if no_max_pool else nn.MaxPool3d(
            3, stride=2, padding=1)
        self.in_planes = widths[0]
        self.res_layers = []
        for i, (planes, num_blocks) in enumerate(zip(widths, stage_blocks)):
            layer = self._make_layer(block, planes, num_blocks,
                                     1 if i == 0 else 2)
            self.add_module(f'layer{i + 1}', layer)
            self.res_layers.append(f'layer{i + 1}')

    def _make_layer(self, block: Block, planes: int, num_blocks: int,
                    stride: int) -> nn.Sequential:
        """Build one stage as the original ``_make_layer`` does."""
        out_channels = planes * block.expansion
        downsample = None
        if stride != 1 or self.in_planes != out_channels:
            if self.shortcut == 'A':
                downsample = HaraShortcutA(out_channels, stride,
                                           self.shortcut_grad)
            else:
                conv = nn.Conv3d(
                    self.in_planes, out_channels, 1, stride=stride, bias=False)
                downsample = nn.Sequential(conv, nn.BatchNorm3d(out_channels))
        blocks = [block(self.in_planes, planes, stride, downsample)]
        self.in_planes = out_channels
        blocks += [block(out_channels, planes) for _ in range(1, num_blocks)]
        return nn.Sequential(*blocks)

    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Channels of the returned stages, in ``out_indices`` order."""
        return tuple(self.stage_channels[i] for i in self.out_indices)

    def init_weights(self) -> None:
        """Run the original init, then ``init_cfg`` (if any)."""
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(
                    m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, (_BatchNorm, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if self.init_cfg is not None:
            super().init_weights()
        self._is_init = True

    def forward(
            self,
            x: torch.Tensor) -> Union[torch.Tensor, Tuple[torch.Tensor, ...]]:
        """Forward the backbone.

        Args:
            x (torch.Tensor): Clips, B x C x T x H x W.

        Returns:
            torch.Tensor | tuple[torch.Tensor]: The output of the stage in
            ``out_indices`` if it holds one index, else the tuple of the
            outputs of those stages; stage ``i`` has
            ``stage_channels[i]`` channels.
        """
        x = self.relu(self.bn1(self.conv1(x)))
        if self.maxpool is not None:
            x = self.maxpool(x)
        outs = []
        for i, layer_name in enumerate(self.res_layers):
            x = getattr(self, layer_name)(x)
            if i in self.out_indices:
                outs.append(x)
        return outs[0] if len(outs) == 1 else tuple(outs)
