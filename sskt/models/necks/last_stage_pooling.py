"""Global average pooling of the last stage: the "no transfer module" neck.

Without the transfer module (TM "x" in the paper's tables) an auxiliary head
reads the same pooled final feature as the target's main classifier
(``docs/method.md``, "Auxiliary branches and the transfer module"). This is
mmpretrain's ``GlobalAveragePooling`` over the last stage only, so that it
takes the tuple of stage outputs as :class:`TransferModule` does and tells
the aux head its width.
"""
from typing import Optional, Sequence, Union

import torch
from mmpretrain.models.necks import GlobalAveragePooling

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@MODELS.register_module()
class LastStagePooling(GlobalAveragePooling):
    """Global average pooling of the last stage output to ``B x C``.

    What it adds to ``GlobalAveragePooling``: it pools the last stage only
    (not every stage it is given), returns a tensor, exposes
    ``out_channels`` for the aux head and checks the input against
    ``in_channels`` and ``dims``.

    Args:
        in_channels (int | Sequence[int], optional): Channels ``C`` of the
            last stage, or the widths of all stages (as a distiller passes
            them to any neck; the last is used). If set, it is exposed as
            ``out_channels`` and checked against the input; if None,
            ``out_channels`` is None (unknown until the input is seen).
            Defaults to None.
        dims (int): 2 for ``B x C x H x W`` stages, 3 for
            ``B x C x T x H x W`` stages. Defaults to 2.
        init_cfg (dict, optional): Accepted for config compatibility; the
            module has no parameters. Defaults to None.
    """

    def __init__(self,
                 in_channels: Optional[Union[int, Sequence[int]]] = None,
                 dims: int = 2,
                 init_cfg: Optional[dict] = None) -> None:
        if isinstance(in_channels, Sequence) and len(in_channels) > 0:
            in_channels = in_channels[-1]
        if in_channels is not None and (not isinstance(in_channels, int)
                                        or isinstance(in_channels, bool)
                                        or in_channels < 1):
            raise ConfigError('LastStagePooling in_channels must be a '
                              f'positive int or None, got {in_channels!r}')
        if dims not in (2, 3):
            raise ConfigError(
                f'LastStagePooling dims must be 2 or 3, got {dims!r}')
        super().__init__(dim=dims)
        self.in_channels = in_channels
        self.out_channels = in_channels
        self.dims = dims

    def forward(
            self, feats: Union[torch.Tensor,
                               Sequence[torch.Tensor]]) -> torch.Tensor:
        """Pool the last stage output.

        Args:
            feats (tuple[torch.Tensor] | torch.Tensor): The stage outputs
                (only the last one is used), or the last stage output
                itself.

        Returns:
            torch.Tensor: The pooled feature of shape ``B x C``.
        """
        last = feats if isinstance(feats, torch.Tensor) else feats[-1]
        if last.dim() != self.dims + 2:
            raise ConfigError(
                f'LastStagePooling with dims={self.dims} expects a '
                f'{self.dims + 2}-d last stage output, got shape '
                f'{tuple(last.shape)}')
        if self.in_channels is not None and last.shape[1] != self.in_channels:
            raise ConfigError(
                f'LastStagePooling in_channels={self.in_channels} does not '
                f'match the last stage output of shape {tuple(last.shape)}')
        return super().forward(last)
