"""VGG with batch norm for CIFAR-sized (32x32) inputs."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from .cifar_resnet import normalize_out_indices

# Conv widths of each of the five stages; every stage ends in a 2x2 max-pool.
VGG_STAGES: Dict[int, Tuple[Tuple[int, ...], ...]] = {
    11: ((64, ), (128, ), (256, 256), (512, 512), (512, 512)),
    13: ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    16:
    ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    19: ((64, 64), (128, 128), (256, 256, 256, 256), (512, 512, 512, 512),
         (512, 512, 512, 512)),
}


@MODELS.register_module()
class CifarVGG(BaseModule):
    """VGG-11/13/16/19 with BN (Simonyan & Zisserman, 2015) for 32x32 inputs.

    Each conv is 3x3, padding 1, with bias, followed by BN and ReLU; each of
    the five stages ends in a 2x2 max-pool (stride 2), so a 32x32 input gives
    stage outputs of 64x16x16, 128x8x8, 256x4x4, 512x2x2 and 512x1x1. There
    are no fully connected layers: a neck (global pooling) and a linear head
    follow.
    Stages are named ``layer1`` .. ``layer5``.

    Args:
        depth (int): Network depth, from {11, 13, 16, 19}. Defaults to 16.
        out_indices (int | Sequence[int]): Stages (after their max-pool)
            whose outputs are returned, from 0 to 4. Defaults to ``(4, )``.
        norm_eval (bool): Keep the BN layers in eval mode during training.
            Defaults to False.
        init_cfg (dict | list[dict], optional): Initialization config. If
            None, torchvision's VGG init is used: kaiming-normal (fan_out,
            relu) on every Conv2d with bias 0, BN weight 1 and bias 0.
            Defaults to None.
    """
    stage_channels: Tuple[int, ...] = (64, 128, 256, 512, 512)

    def __init__(self,
                 depth: int = 16,
                 out_indices: Union[int, Sequence[int]] = (4, ),
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth not in VGG_STAGES:
            raise ConfigError(f'CifarVGG depth must be one of '
                              f'{sorted(VGG_STAGES)}, got {depth!r}')
        self.depth = depth
        self.out_indices = normalize_out_indices(out_indices,
                                                 len(self.stage_channels))
        self.norm_eval = norm_eval
        self.stage_names: List[str] = []
        in_channels = 3
        for i, widths in enumerate(VGG_STAGES[depth]):
            layers: List[nn.Module] = []
            for width in widths:
                layers += [
                    nn.Conv2d(in_channels, width, 3, padding=1),
                    nn.BatchNorm2d(width),
                    nn.ReLU(inplace=True)
                ]
                in_channels = width
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            self.add_module(f'layer{i + 1}', nn.Sequential(*layers))
            self.stage_names.append(f'layer{i + 1}')

    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Channels of the returned feature maps, in ``out_indices`` order."""
        return tuple(self.stage_channels[i] for i in self.out_indices)

    def init_weights(self) -> None:
        """Initialize the weights (torchvision's VGG init unless
        ``init_cfg``)."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(
                    m.weight, mode='fan_out', nonlinearity='relu')
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, _BatchNorm):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        self._is_init = True

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Forward the backbone.

        Args:
            x (torch.Tensor): Images, B x 3 x H x W.

        Returns:
            tuple[torch.Tensor]: The pooled outputs of the stages in
            ``out_indices``; stage ``i`` is
            B x ``stage_channels[i]`` x H/2^(i+1) x W/2^(i+1).
        """
        outs = []
        for i, name in enumerate(self.stage_names):
            x = getattr(self, name)(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def train(self, mode: bool = True) -> 'CifarVGG':
        """Set the train mode, keeping BN in eval mode if ``norm_eval``.

        Args:
            mode (bool): Train mode if True, eval mode otherwise.

        Returns:
            CifarVGG: self.
        """
        super().train(mode)
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
