"""VGG with batch norm for CIFAR-sized (32x32) inputs: mmpretrain's ``VGG``.

mmpretrain's ``VGG(depth, norm_cfg=dict(type='BN'))`` without its classifier
is the network sskt needs, so :class:`CifarVGG` only fixes those arguments,
keeps sskt's config interface and maps the state-dict keys of the
checkpoints sskt wrote before it was built on mmpretrain.
"""
import re
import warnings
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmpretrain.models import VGG

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from .cifar_resnet import normalize_out_indices

#: A key of sskt's own VGG (before it was mmpretrain's): stage ``layerS``
#: was ``Sequential(conv, bn, relu, conv, bn, relu, ..., maxpool)``.
_OLD_KEY = re.compile(r'^(layer[1-5]\.\d+)\.(.+)$')

#: torchvision's VGG init, which mmpretrain's default ``init_cfg`` equals:
#: kaiming-normal (fan_out, relu) with bias 0 on convs, BN weight 1, bias 0.
TORCHVISION_VGG_INIT = [
    dict(type='Kaiming', layer=['Conv2d']),
    dict(type='Constant', val=1., layer=['_BatchNorm'])
]


@MODELS.register_module()
class CifarVGG(VGG):
    """VGG-11/13/16/19 with BN (Simonyan & Zisserman, 2015) for 32x32 inputs.

    mmpretrain's ``VGG`` with ``norm_cfg=dict(type='BN')`` and no fully
    connected layers: each conv is 3x3, padding 1, with bias, followed by BN
    and ReLU; each of the five stages ends in a 2x2 max-pool, so a 32x32
    input gives stage outputs of 64x16x16, 128x8x8, 256x4x4, 512x2x2 and
    512x1x1. A neck (global pooling) and a linear head follow.

    The layers are ``features.N.conv`` / ``features.N.bn`` (mmpretrain's
    names). State dicts in the earlier layout of sskt's own VGG
    (``layerS.K.*``, e.g. ``target.backbone.layer1.0.weight`` in a
    distiller's checkpoint) are renamed when loaded, so checkpoints written
    before still load (:func:`rename_old_keys`).

    Args:
        depth (int): Network depth, from {11, 13, 16, 19}. Defaults to 16.
        out_indices (int | Sequence[int]): Stages (after their max-pool)
            whose outputs are returned, from 0 to 4 (negative indices count
            from the end). Defaults to ``(4, )``.
        norm_eval (bool): Keep the BN layers in eval mode during training.
            Defaults to False.
        init_cfg (dict | list[dict], optional): Initialization config. If
            None, torchvision's VGG init (:data:`TORCHVISION_VGG_INIT`).
            Defaults to None.
    """
    stage_channels: Tuple[int, ...] = (64, 128, 256, 512, 512)

    def __init__(self,
                 depth: int = 16,
                 out_indices: Union[int, Sequence[int]] = (4, ),
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        if depth not in VGG.arch_settings:
            raise ConfigError(f'CifarVGG depth must be one of '
                              f'{sorted(VGG.arch_settings)}, got {depth!r}')
        with warnings.catch_warnings():
            # The conv bias before BN is VGG-BN's (torchvision's) and kept.
            warnings.filterwarnings('ignore', 'Unnecessary conv bias')
            super().__init__(
                depth=depth,
                out_indices=normalize_out_indices(out_indices,
                                                  len(self.stage_channels)),
                norm_cfg=dict(type='BN'),
                norm_eval=norm_eval,
                init_cfg=TORCHVISION_VGG_INIT
                if init_cfg is None else init_cfg)
        self.depth = depth
        self.register_load_state_dict_pre_hook(rename_old_keys)

    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Channels of the returned feature maps, in ``out_indices`` order."""
        return tuple(self.stage_channels[i] for i in self.out_indices)

    def train(self, mode: bool = True) -> 'CifarVGG':
        """Set the train mode (BN stays in eval mode if ``norm_eval``).

        Args:
            mode (bool): Train mode if True, eval mode otherwise.

        Returns:
            CifarVGG: self, as ``nn.Module.train`` returns (mmpretrain's
            ``VGG.train`` returns None).
        """
        super().train(mode)
        return self

    def old_key_map(self) -> Dict[str, str]:
        """Map the module names of sskt's earlier VGG to mmpretrain's.

        Returns:
            dict[str, str]: e.g. ``{'layer1.0': 'features.0.conv',
            'layer1.1': 'features.0.bn', 'layer2.0': 'features.3.conv'}``;
            stage ``S`` started at ``features[range_sub_modules[S-1][0]]``.
        """
        mapping = {}
        for stage, (start, _) in enumerate(self.range_sub_modules):
            for block in range(self.stage_blocks[stage]):
                old = f'layer{stage + 1}.{3 * block}'
                mapping[old] = f'features.{start + block}.conv'
                mapping[f'layer{stage + 1}.{3 * block + 1}'] = \
                    f'features.{start + block}.bn'
        return mapping


def rename_old_keys(module: CifarVGG, state_dict: Dict[str, torch.Tensor],
                    prefix: str, *args) -> None:
    """Rename ``prefix + 'layerS.K.<param>'`` keys of ``state_dict`` in place.

    The ``load_state_dict`` pre-hook of :class:`CifarVGG`: it runs before the
    module reads its part of ``state_dict``, wherever the module sits
    (``prefix`` is e.g. ``'target.backbone.'``). Keys of the current layout
    are left alone.

    Args:
        module (CifarVGG): The backbone being loaded.
        state_dict (dict[str, Tensor]): The state dict being loaded.
        prefix (str): The backbone's prefix in it.
    """
    mapping = module.old_key_map()
    for key in [k for k in state_dict if k.startswith(prefix)]:
        match = _OLD_KEY.match(key[len(prefix):])
        if match is not None and match.group(1) in mapping:
            new_key = f'{prefix}{mapping[match.group(1)]}.{match.group(2)}'
            state_dict[new_key] = state_dict.pop(key)
