"""Initialise a backbone strictly from a published checkpoint.

mmengine's ``Pretrained`` init loads with ``strict=False``: a checkpoint of
another network only logs a warning and leaves the weights random. The
initialisers here read the file with mmengine's local loader made safe
(:func:`~sskt.models.sources.checkpoint_formats.read_checkpoint_file`),
revise its keys and load it strictly, or stop with a key-by-key report.
"""
from typing import Callable, Dict, Optional

import torch
from mmengine.logging import print_log
from mmengine.model.weight_init import update_init_info

from sskt.registry import WEIGHT_INITIALIZERS
from sskt.utils.errors import ConfigError
from .sources.checkpoint_formats import (load_state_strictly,
                                         read_source_state_dict)


class StrictPretrained:
    """Base of sskt's ``init_cfg`` loaders: the file and how it is logged.

    Args:
        checkpoint (str): A local checkpoint file.
    """

    def __init__(self, checkpoint: str) -> None:
        self.checkpoint = checkpoint

    def load(self, module: torch.nn.Module, state: Dict[str, torch.Tensor],
             explain: Callable[[str], str], loaded: str) -> None:
        """Load ``state`` into ``module`` strictly and log it.

        Args:
            module (nn.Module): The backbone.
            state (dict[str, Tensor]): Its state dict, read from the file.
            explain (Callable[[str], str]): Turns the key-by-key report of a
                file that does not fit into the error message.
            loaded (str): The log line, e.g. ``'Loaded ... weights'``.
        """
        load_state_strictly(module, state, explain)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())
        print_log(f'{loaded} from {self.checkpoint}', logger='current')

    def _get_init_info(self) -> str:
        """Shown in mmengine's parameter-initialisation log."""
        return f'{type(self).__name__}: load from {self.checkpoint}'


def torchvision_to_mmpretrain_resnet(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Keep the backbone part of a torchvision ResNet state dict.

    mmpretrain's ``ResNet`` names its layers as torchvision does (``conv1``,
    ``bn1``, ``layerI.J.convK/bnK``, ``downsample.0/1``); only the classifier
    ``fc.*`` is dropped, since the target has its own head.

    Args:
        state_dict (dict[str, Tensor]): A torchvision ResNet state dict.

    Returns:
        dict[str, Tensor]: The backbone state dict.
    """
    return {k: v for k, v in state_dict.items() if not k.startswith('fc.')}


@WEIGHT_INITIALIZERS.register_module()
class TorchvisionResNetPretrained(StrictPretrained):
    """``init_cfg`` that loads torchvision ResNet weights into a backbone.

    For fine-tuning an mmpretrain ``ResNet`` target from torchvision's
    ImageNet weights as they are published (e.g.
    ``checkpoints/resnet18_imagenet.pth``), with no conversion step::

        backbone=dict(type='ResNet', depth=18, init_cfg=dict(
            type='sskt.TorchvisionResNetPretrained',
            checkpoint='checkpoints/resnet18_imagenet.pth'))

    The load is strict: a checkpoint of another depth fails with the
    missing/unexpected keys. Nothing is downloaded. The backbone needs
    ``zero_init_residual=False`` (as in configs/_base_/models/r18.py):
    mmpretrain zeroes the last norm of every block *after* any ``init_cfg``
    whose type is not its own ``Pretrained``, which would undo the load, so
    that case is an error.

    Args:
        checkpoint (str): A local torchvision ResNet state dict (CSAIL
            ``.pth.tar`` and mmengine layouts are read too).
        prefix (str, optional): Sub-module prefix to select and strip in an
            mmengine checkpoint. Defaults to None.
    """

    def __init__(self, checkpoint: str, prefix: Optional[str] = None) -> None:
        super().__init__(checkpoint)
        self.prefix = prefix

    def __call__(self, module: torch.nn.Module) -> None:
        """Load the weights into ``module`` (an mmpretrain ``ResNet``)."""
        if getattr(module, 'zero_init_residual', False):
            raise ConfigError(
                'sskt.TorchvisionResNetPretrained needs the backbone to set '
                'zero_init_residual=False: mmpretrain would zero the last '
                'norm layer of every block after loading the weights.')
        state = torchvision_to_mmpretrain_resnet(
            read_source_state_dict(self.checkpoint, self.prefix))
        self.load(
            module, state, lambda problems:
            (f'{self.checkpoint} does not fit {type(module).__name__}: '
             f'{problems}. Is it a torchvision ResNet of the same depth?'),
            'Loaded torchvision ResNet weights')
