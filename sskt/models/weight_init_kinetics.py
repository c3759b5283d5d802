"""Fine-tune a 3D ResNet target from Hara et al.'s Kinetics-400 weights.

The weights of Hara et al. (CVPR 2018; 3D-ResNets-PyTorch), e.g.
``resnet-18-kinetics.pth``, are ``{'epoch', 'arch': 'resnet-18',
'state_dict': {'module.conv1.weight', ..., 'module.fc.weight'}, 'optimizer'}``
written before PyTorch 0.4 (no ``num_batches_tracked``). SSKT fine-tunes
from them (``3D_SSKT/model.py``; ``docs/method.md``, "Video targets"): it
checks ``arch``, strips ``module.`` and replaces the 400-class fc by the
target's own.
"""
import re
from typing import Dict, Optional, Tuple

import torch

from sskt.registry import WEIGHT_INITIALIZERS
from sskt.utils.errors import ConfigError, MalformedFileError
from .backbones.resnet3d_hara import HaraResNet3d
from .sources.checkpoint_formats import (extract_state_dict,
                                         read_checkpoint_file)
from .weight_init import StrictPretrained

_HARA_ARCH = re.compile(r'^resnet-(\d+)$')


def read_hara_checkpoint(path: str) -> Tuple[str, Dict[str, torch.Tensor]]:
    """Read a checkpoint of Hara's 3D-ResNets-PyTorch.

    Args:
        path (str): The ``.pth`` file.

    Returns:
        tuple[str, dict[str, Tensor]]: Its ``arch`` (e.g. ``'resnet-18'``)
        and its state dict without ``module.`` and without ``fc.*``.
    """
    obj = read_checkpoint_file(
        path, 'Kinetics checkpoint',
        'Use the files of 3D-ResNets-PyTorch as published (e.g. '
        'resnet-18-kinetics.pth)')
    if not isinstance(obj, dict) or not isinstance(obj.get('arch'), str):
        raise MalformedFileError(
            f'Kinetics checkpoint {path!r} has no "arch" entry, so it is not '
            "a 3D-ResNets-PyTorch checkpoint ({'arch', 'state_dict', ...}). "
            'Use e.g. resnet-18-kinetics.pth as published.')
    state = extract_state_dict(obj, path)
    return obj['arch'], {
        k: v
        for k, v in state.items() if not k.startswith('fc.')
    }


@WEIGHT_INITIALIZERS.register_module()
class HaraKineticsPretrained(StrictPretrained):
    """``init_cfg`` of :class:`HaraResNet3d` that loads Kinetics weights.

    ::

        backbone=dict(type='sskt.HaraResNet3d', depth=18, shortcut='A',
                      init_cfg=dict(
                          type='sskt.HaraKineticsPretrained',
                          checkpoint='checkpoints/resnet-18-kinetics.pth'))

    The file's ``arch`` must be ``f'resnet-{depth}'`` (or ``arch``), its
    shortcut type must be the backbone's (files with ``downsample`` keys use
    'B': ResNet-50 and deeper; ResNet-18/34 use 'A'), and every other key
    must match: the load is strict. The 400-class ``fc`` is dropped. Nothing
    is downloaded.

    Args:
        checkpoint (str): A local 3D-ResNets-PyTorch checkpoint.
        arch (str, optional): The ``arch`` the file must declare. Defaults to
            None, i.e. ``f'resnet-{depth}'`` of the backbone.
    """

    def __init__(self, checkpoint: str, arch: Optional[str] = None) -> None:
        super().__init__(checkpoint)
        self.arch = arch

    def __call__(self, module: torch.nn.Module) -> None:
        """Load the weights into ``module`` (a :class:`HaraResNet3d`)."""
        if not isinstance(module, HaraResNet3d):
            raise ConfigError(
                'sskt.HaraKineticsPretrained loads 3D-ResNets-PyTorch weights '
                f'into sskt.HaraResNet3d only, not {type(module).__name__}: '
                "put it in the backbone's init_cfg.")
        net = f'HaraResNet3d(depth={module.depth}, ' \
              f"shortcut='{module.shortcut}')"
        expected = self.arch or f'resnet-{module.depth}'
        arch, state = read_hara_checkpoint(self.checkpoint)
        if arch != expected:
            match = _HARA_ARCH.match(arch)
            fix = (f'set depth={match.group(1)} in the backbone'
                   if match else 'use a plain ResNet checkpoint')
            raise ConfigError(
                f'{self.checkpoint} holds a {arch!r} network but the backbone '
                f'is {net}, which needs {expected!r}: {fix} or point '
                f'checkpoint to resnet-{module.depth}-kinetics.pth.')
        has_downsample = any('.downsample.' in k for k in state)
        file_shortcut = 'B' if has_downsample else 'A'
        if file_shortcut != module.shortcut:
            raise ConfigError(
                f'{self.checkpoint} was trained with shortcut '
                f"'{file_shortcut}' (it has {'' if has_downsample else 'no '}"
                f'downsample weights) but the backbone is {net}: set '
                f"shortcut='{file_shortcut}' in the backbone.")
        self.load(
            module, state, lambda problems:
            (f'{self.checkpoint} ({arch}) does not fit {net}: {problems}. '
             'Keep in_channels=3, conv1_t_size=7, widen_factor=1.0 as the '
             'Kinetics weights were trained.'),
            f'Loaded {arch} Kinetics weights')
