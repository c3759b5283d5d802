"""The transfer module (TM) of SSKT: strided bottlenecks over every stage.

Each backbone stage feeds its own "branch bottleneck" (1x1 conv, 3x3 conv of
stride 2, 1x1 conv, each followed by BN and ReLU), whose output is globally
average-pooled to a ``C_out`` vector. The branch vectors are aggregated into
one ``B x C_out`` feature that an :class:`~sskt.models.heads.AuxHead` maps to
a source's logits (``docs/method.md``, "Auxiliary branches and the
transfer module").
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

_LAYERS = {
    2: (nn.Conv2d, nn.BatchNorm2d, nn.AdaptiveAvgPool2d),
    3: (nn.Conv3d, nn.BatchNorm3d, nn.AdaptiveAvgPool3d),
}


def _positive_int(value, name: str) -> int:
    """Return ``value`` if it is a positive int, else raise ConfigError."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f'TransferModule {name} must be a positive int, '
                          f'got {value!r}')
    return value


@MODELS.register_module()
class TransferModule(BaseModule):
    """Per-stage strided bottlenecks, pooled and aggregated (the SSKT TM).

    Branch ``i`` maps stage ``i`` (``B x C_i x [T x] H x W``) through::

        conv1x1(C_i -> M) - BN - ReLU
        conv3x3(M -> M, stride 2, pad 1) - BN - ReLU
        conv1x1(M -> C_out) - BN - ReLU
        global average pooling -> B x C_out

    and the ``N`` branch vectors are aggregated by their mean (the original
    code; default) or their sum (what the paper writes): ``sum`` is exactly
    ``N`` times ``mean``. With ``dims=3`` the convs, BNs and pooling are 3D
    and the 3x3x3 conv has stride 2 in T, H and W (3D-CNN targets).

    Widths of the original: CIFAR ResNets use the defaults (``C_out`` = the
    last stage width, ``M = C_out // 2``); ImageNet-style and 3D ResNets pass
    ``out_channels=1000, mid_channels=500``. The original's branch convs
    carry a bias before BN (``conv_bias=True``). With ``init_cfg=None`` every
    layer keeps PyTorch's default init, as in the CIFAR and 3D originals; the
    2D ImageNet-style original re-initialises the convs with
    ``init_cfg=dict(type='Kaiming', layer='Conv2d', mode='fan_out')``.

    Args:
        in_channels (Sequence[int]): Channels of each stage output, one
            branch per entry.
        out_channels (int, optional): Width ``C_out`` of each branch and of
            the output. Defaults to None: ``in_channels[-1]``.
        mid_channels (int, optional): Bottleneck width ``M``. Defaults to
            None: ``out_channels // 2``.
        aggregation (str): ``'mean'`` or ``'sum'`` of the branch vectors.
            Defaults to ``'mean'``.
        conv_bias (bool): Whether the branch convs have a bias.
            Defaults to True.
        dims (int): 2 for image stages, 3 for video stages. Defaults to 2.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Defaults to None.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: Optional[int] = None,
                 mid_channels: Optional[int] = None,
                 aggregation: str = 'mean',
                 conv_bias: bool = True,
                 dims: int = 2,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(in_channels, int) or not isinstance(
                in_channels, Sequence) or len(in_channels) == 0:
            raise ConfigError('TransferModule in_channels must be a non-empty '
                              f'sequence of ints, got {in_channels!r}')
        self.in_channels = tuple(
            _positive_int(c, 'in_channels entry') for c in in_channels)
        if out_channels is None:
            out_channels = self.in_channels[-1]
        self.out_channels = _positive_int(out_channels, 'out_channels')
        if mid_channels is None:
            if self.out_channels < 2:
                raise ConfigError('TransferModule needs out_channels >= 2 to '
                                  'default mid_channels to out_channels // 2, '
                                  f'got {self.out_channels}')
            mid_channels = self.out_channels // 2
        self.mid_channels = _positive_int(mid_channels, 'mid_channels')
        if aggregation not in ('mean', 'sum'):
            raise ConfigError("TransferModule aggregation must be 'mean' or "
                              f"'sum', got {aggregation!r}")
        self.aggregation = aggregation
        if dims not in _LAYERS:
            raise ConfigError(f'TransferModule dims must be 2 or 3, got '
                              f'{dims!r}')
        self.dims = dims
        self.branches = nn.ModuleList(
            self._make_branch(c, conv_bias) for c in self.in_channels)
        self.pool = _LAYERS[dims][2](1)

    def _make_branch(self, in_channels: int, bias: bool) -> nn.Sequential:
        """Build one bottleneck branch (without the pooling).

        Args:
            in_channels (int): Channels of the stage the branch reads.
            bias (bool): Whether the convs have a bias.

        Returns:
            nn.Sequential: conv-BN-ReLU x 3, the middle conv of stride 2.
        """
        conv, norm, _ = _LAYERS[self.dims]
        mid, out = self.mid_channels, self.out_channels
        # (in, out, kernel, stride) of the 1x1, strided 3x3 and 1x1 convs
        specs = ((in_channels, mid, 1, 1), (mid, mid, 3, 2), (mid, out, 1, 1))
        layers = []
        for c_in, c_out, kernel, stride in specs:
            layers += [
                conv(c_in, c_out, kernel, stride, kernel // 2, bias=bias),
                norm(c_out),
                nn.ReLU(inplace=True)
            ]
        return nn.Sequential(*layers)

    def _check_inputs(self, feats: Sequence[torch.Tensor]) -> None:
        """Raise ConfigError unless ``feats`` match ``in_channels``/``dims``.

        Args:
            feats (Sequence[torch.Tensor]): The stage outputs.
        """
        if isinstance(feats, torch.Tensor) or len(feats) != len(
                self.in_channels):
            got = ('a single tensor' if isinstance(feats, torch.Tensor) else
                   f'{len(feats)} stage outputs')
            raise ConfigError(
                f'TransferModule was built for {len(self.in_channels)} stages '
                f'(in_channels={self.in_channels}) but got {got}; make the '
                'backbone output every stage (out_indices) or fix '
                'in_channels')
        shapes = tuple(tuple(f.shape) for f in feats)
        channels = tuple(f.shape[1] if f.dim() > 1 else None for f in feats)
        if channels != self.in_channels:
            raise ConfigError(
                f'TransferModule in_channels={self.in_channels} do not match '
                f'the stage outputs of shapes {shapes}')
        if any(f.dim() != self.dims + 2 for f in feats):
            raise ConfigError(
                f'TransferModule with dims={self.dims} expects '
                f'{self.dims + 2}-d stage outputs, got shapes {shapes}')

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> torch.Tensor:
        """Aggregate the pooled branch outputs of all stages.

        Args:
            feats (tuple[torch.Tensor]): One output per stage, of shape
                ``B x C_i x H_i x W_i`` (``B x C_i x T_i x H_i x W_i`` with
                ``dims=3``), in the order of ``in_channels``.

        Returns:
            torch.Tensor: The aggregated feature of shape
            ``B x out_channels``.
        """
        self._check_inputs(feats)
        pooled = [
            self.pool(branch(feat)).flatten(1)
            for branch, feat in zip(self.branches, feats)
        ]
        out = torch.stack(pooled).sum(dim=0)
        if self.aggregation == 'mean':
            out = out / len(pooled)
        return out
