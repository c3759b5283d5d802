"""The auxiliary head of SSKT: a linear layer to a source's classes.

Each source has its own aux branch, a neck (:class:`TransferModule` or
:class:`LastStagePooling`) followed by this head, whose ``K_s`` outputs are
trained to match the frozen source's logits (``docs/method.md``,
"Auxiliary branches and the transfer module").
"""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@MODELS.register_module()
class AuxHead(BaseModule):
    """``Linear(in_channels -> num_classes)`` with a bias.

    With ``init_cfg=None`` the layer keeps PyTorch's default init, as the
    original's aux heads do (they are built after the backbone's init).

    Args:
        in_channels (int): Width of the neck output.
        num_classes (int): Number of classes ``K_s`` of the source.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        for name, value in (('in_channels', in_channels), ('num_classes',
                                                           num_classes)):
            if not isinstance(value, int) or isinstance(value,
                                                        bool) or value < 1:
                raise ConfigError(
                    f'AuxHead {name} must be a positive int, got {value!r}')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(
            self, x: Union[torch.Tensor,
                           Sequence[torch.Tensor]]) -> torch.Tensor:
        """Map the neck output to the auxiliary logits.

        Args:
            x (torch.Tensor | tuple[torch.Tensor]): Features of shape
                ``B x in_channels``; of a tuple (e.g. an mmpretrain neck's
                output) the last element is used.

        Returns:
            torch.Tensor: Logits of shape ``B x num_classes``.
        """
        if not isinstance(x, torch.Tensor):
            x = x[-1]
        return self.fc(x)
