"""The 6n+2 CIFAR ResNet of He et al. (2016), with the option-A shortcut."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def normalize_out_indices(out_indices: Union[int, Sequence[int]],
                          num_stages: int) -> Tuple[int, ...]:
    """Check ``out_indices`` and turn negative indices into positive ones.

    Args:
        out_indices (int | Sequence[int]): Stage indices, each in
            ``[-num_stages, num_stages)``.
        num_stages (int): Number of stages of the backbone.

    Returns:
        tuple[int]: The sorted, de-duplicated, non-negative indices.
    """
    if isinstance(out_indices, int):
        out_indices = (out_indices, )
    if not isinstance(out_indices, Sequence) or len(out_indices) == 0:
        raise ConfigError('out_indices must be an int or a non-empty sequence '
                          f'of ints, but got {out_indices!r}')
    indices = []
    for index in out_indices:
        if not isinstance(index, int) or isinstance(index, bool):
            raise ConfigError(f'out_indices must hold ints, got {index!r}')
        if not -num_stages <= index < num_stages:
            raise ConfigError(
                f'out_indices entry {index} is out of range: the backbone '
                f'has {num_stages} stages, so it must lie in '
                f'[{-num_stages}, {num_stages})')
        indices.append(index % num_stages)
    return tuple(sorted(set(indices)))


class OptionAShortcut(nn.Module):
    """Parameter-free shortcut ("option A") of the CIFAR ResNet.

    Takes every 2nd pixel and zero-pads the channels by ``planes // 4`` on
    both sides, as in the original code.

    Args:
        planes (int): Output channels; the input has ``planes // 2``.
    """

    def __init__(self, planes: int) -> None:
        super().__init__()
        self.pad = planes // 4

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Subsample and zero-pad ``x``."""
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad),
                     'constant', 0)


class CifarBasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU.

    Args:
        in_channels (int): Input channels.
        planes (int): Output channels.
        stride (int): Stride of the first conv. Defaults to 1.
    """

    def __init__(self, in_channels: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(
            planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        if stride != 1 or in_channels != planes:
            if in_channels + 2 * (planes // 4) != planes or stride != 2:
                raise ConfigError('the option-A shortcut needs stride 2 and '
                                  'planes = 2 * in_channels, got '
                                  f'{in_channels}->{planes}, stride {stride}')
            self.shortcut = OptionAShortcut(planes)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward one block."""
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


@MODELS.register_module()
class CifarResNet(BaseModule):
    """The 6n+2 ResNet for CIFAR-sized inputs (He et al., 2016, Sec. 4.2).

    A 3x3 stem conv (16 channels, stride 1, no max-pool), then three stages
    of ``n`` BasicBlocks with widths 16/32/64 and strides 1/2/2, and the
    parameter-free option-A shortcut. Depth 20/32/44/56/110 gives
    n = 3/5/7/9/18. Module names follow the original code
    (``conv1``, ``bn1``, ``layer1`` .. ``layer3``).

    Args:
        depth (int): Network depth, of the form 6n+2. Defaults to 20.
        in_channels (int): Number of input image channels. Defaults to 3.
        out_indices (int | Sequence[int]): Stages whose outputs are returned,
            from 0 to 2 (negative indices count from the end).
            Defaults to ``(2, )``.
        frozen_stages (int): Stages to freeze (no gradient, eval mode).
            -1 freezes nothing, 0 the stem, ``i`` the stem and the first
            ``i`` stages. Defaults to -1.
        norm_eval (bool): Keep the BN layers in eval mode during training
            (freezes the running statistics). Defaults to False.
        init_cfg (dict | list[dict], optional): Initialization config. If
            None, the original init is used: kaiming-normal (fan_in) on every
            Conv2d, BN weight 1 and bias 0. Defaults to None.
    """
    stage_channels: Tuple[int, ...] = (16, 32, 64)
    stage_strides: Tuple[int, ...] = (1, 2, 2)

    def __init__(self,
                 depth: int = 20,
                 in_channels: int = 3,
                 out_indices: Union[int, Sequence[int]] = (2, ),
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if (not isinstance(depth, int) or depth < 8 or (depth - 2) % 6 != 0):
            raise ConfigError('CifarResNet depth must have the form 6n+2 with '
                              'n >= 1 (e.g. 20, 32, 44, 56, 110), got '
                              f'{depth!r}')
        num_stages = len(self.stage_channels)
        if not -1 <= frozen_stages <= num_stages:
            raise ConfigError(f'frozen_stages must be in [-1, {num_stages}], '
                              f'got {frozen_stages}')
        self.depth = depth
        self.num_blocks = (depth - 2) // 6
        self.out_indices = normalize_out_indices(out_indices, num_stages)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval

        self.conv1 = nn.Conv2d(
            in_channels, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        channels = 16
        self.res_layers = []
        for i, (planes, stride) in enumerate(
                zip(self.stage_channels, self.stage_strides)):
            blocks = []
            for j in range(self.num_blocks):
                blocks.append(
                    CifarBasicBlock(channels, planes, stride if j == 0 else 1))
                channels = planes
            layer_name = f'layer{i + 1}'
            self.add_module(layer_name, nn.Sequential(*blocks))
            self.res_layers.append(layer_name)
        self._freeze_stages()

    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Channels of the returned feature maps, in ``out_indices`` order."""
        return tuple(self.stage_channels[i] for i in self.out_indices)

    def init_weights(self) -> None:
        """Initialize the weights (the original init unless ``init_cfg``)."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_in')
            elif isinstance(m, (_BatchNorm, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        self._is_init = True

    def _freeze_stages(self) -> None:
        """Stop gradients of, and set to eval mode, the frozen stages."""
        if self.frozen_stages < 0:
            return
        frozen = [self.conv1, self.bn1] + [
            getattr(self, name)
            for name in self.res_layers[:self.frozen_stages]
        ]
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Forward the backbone.

        Args:
            x (torch.Tensor): Images, B x C x H x W.

        Returns:
            tuple[torch.Tensor]: The outputs of the stages in
            ``out_indices``; stage ``i`` is
            B x ``stage_channels[i]`` x H/2^i x W/2^i.
        """
        x = self.relu(self.bn1(self.conv1(x)))
        outs = []
        for i, layer_name in enumerate(self.res_layers):
            x = getattr(self, layer_name)(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def train(self, mode: bool = True) -> 'CifarResNet':
        """Set the train mode, keeping frozen stages and BN (if asked) in eval.

        Args:
            mode (bool): Train mode if True, eval mode otherwise.

        Returns:
            CifarResNet: self.
        """
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
