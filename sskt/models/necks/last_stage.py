"""Pass the last stage on to an mmaction head: ``(x[-1], {})``.

SSKT's auxiliary branches read every stage of the 3D target (Hara et al.,
CVPR 2018; ``docs/method.md``, "Video targets"), so its backbone returns all
of them (``out_indices=(0, 1, 2, 3)``), while mmaction's ``I3DHead`` takes
one tensor and mmaction has no neck that picks one. Placed as the ``neck``
of a ``Recognizer3D``, this module hands the head the last stage and no
auxiliary loss, the ``(features, loss_aux)`` pair mmaction's necks return.
"""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule

from sskt.registry import MODELS


@MODELS.register_module()
class LastStage(BaseModule):
    """Select the last stage output; parameter-free.

    Example::

        model = dict(
            _scope_='mmaction',
            type='Recognizer3D',
            backbone=dict(type='sskt.HaraResNet3d', out_indices=(0, 1, 2, 3)),
            neck=dict(type='sskt.LastStage'),
            cls_head=dict(type='I3DHead', num_classes=101, in_channels=512))

    Args:
        init_cfg (dict, optional): Initialisation config (there is nothing
            to initialise). Defaults to None.
    """

    def __init__(self, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)

    def forward(
        self,
        x: Union[torch.Tensor, Sequence[torch.Tensor]],
        data_samples: Optional[list] = None
    ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Return the last stage output and an empty auxiliary-loss dict.

        Args:
            x (torch.Tensor | Sequence[torch.Tensor]): The stage outputs of
                the backbone, or a single output (passed through).
            data_samples (list, optional): The batch data samples, which
                mmaction passes to necks in training; unused.
                Defaults to None.

        Returns:
            tuple[torch.Tensor, dict]: ``x[-1]`` (or ``x`` itself) and ``{}``.
        """
        return (x if isinstance(x, torch.Tensor) else x[-1]), {}
