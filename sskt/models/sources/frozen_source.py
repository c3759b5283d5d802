"""A frozen, pretrained source network whose logits the target learns from.

:class:`FrozenSource` wraps a torchvision classification network built by name
with ``weights=None`` (nothing is downloaded), loads a local checkpoint in
:meth:`FrozenSource.init_weights` (so building a config never touches the
file), never trains and never passes gradients: its forward runs under
``torch.inference_mode()`` and returns a fresh float32 tensor usable as a
loss target.
"""
import contextlib
import difflib
from typing import Dict, List, Optional, Sequence, Union

import torch
import torchvision
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from .adapters import Normalization
from .checkpoint_formats import (WEIGHTS_DOC, read_class_names,
                                 top_level_prefixes)
from .frozen_network import FrozenNetwork

_BN_MODES = ('eval', 'train')
_COMMON_ARCHS = ('resnet18', 'resnet34', 'resnet50', 'resnet101', 'vgg16',
                 'vgg16_bn', 'densenet121', 'mobilenet_v2')
_AUTOCAST_DTYPES: Dict[str, torch.dtype] = {
    'bfloat16': torch.bfloat16,
    'float16': torch.float16,
}


def build_torchvision_classifier(arch: str, num_classes: int) -> nn.Module:
    """Build ``torchvision.models.<arch>(weights=None, num_classes=...)``.

    Args:
        arch (str): A torchvision classification builder name, e.g.
            ``'resnet50'`` or ``'vgg16_bn'``.
        num_classes (int): Size of the last layer.

    Returns:
        nn.Module: The randomly initialised network.
    """
    names = torchvision.models.list_models(module=torchvision.models)
    if arch not in names:
        close = difflib.get_close_matches(arch, names, n=4, cutoff=0.6)
        suggest = ', '.join(close +
                            [n for n in _COMMON_ARCHS if n not in close])
        raise ConfigError(
            f'FrozenSource arch {arch!r} is not a torchvision classification '
            f'model. Use a torchvision builder name such as {suggest} (all '
            f'{len(names)}: torchvision.models.list_models('
            'module=torchvision.models)).')
    return torchvision.models.get_model(
        arch, weights=None, num_classes=num_classes)


@MODELS.register_module()
class FrozenSource(FrozenNetwork):
    """A pretrained source network, frozen, behind its input adapter f_s.

    Args:
        arch (str): torchvision classification builder name. Defaults to
            ``'resnet50'``.
        num_classes (int): Classes of the checkpoint (1000 for ImageNet, 365
            for Places365). Defaults to 1000.
        checkpoint (str, optional): Local weights file: a torchvision state
            dict, a CSAIL Places365 ``.pth.tar`` or an mmengine checkpoint.
            Read in :meth:`init_weights`. Defaults to None (an error there
            unless ``allow_random``).
        allow_random (bool): Keep random weights when ``checkpoint`` is
            None. For tests only. Defaults to False.
        bn_mode (str): ``'eval'`` keeps the whole network in eval mode
            whatever :meth:`train` is called with. ``'train'`` lets the BN
            layers follow :meth:`train` (batch statistics, drifting running
            stats), as the original code did. Defaults to ``'eval'``.
        adapter (dict | nn.Module, optional): The input function f_s, a
            config or a module. None: the network sees the target's batch
            as it is. Defaults to ``dict(type='SourceAdapter')``.
        autocast_dtype (str, optional): ``'bfloat16'`` or ``'float16'`` runs
            the network under autocast when the input is on one of
            ``autocast_devices``. Defaults to None.
        autocast_devices (Sequence[str]): Device types where
            ``autocast_dtype`` applies. Defaults to ``('cuda', )``: on the
            CPU reduced precision is slower, so it is only for checking
            numerics there (``('cpu', 'cuda')``).
        compile (bool | dict): ``torch.compile`` the network in place (its
            state-dict keys stay the same); a dict gives compile options,
            e.g. ``dict(mode='max-autotune')``. Defaults to False.
        checkpoint_prefix (str, optional): Prefix of the network's keys in
            the checkpoint, selected and stripped (e.g. ``'net.'``). A
            leading ``module.`` is always stripped. Defaults to None.
        classes (Sequence[str] | str, optional): Class names, or a text file
            of them (one per line, or CSAIL's ``/a/airfield 0`` format).
            Defaults to None.
        init_cfg (dict | list[dict], optional): mmengine init config.
            Defaults to None.
    """

    def __init__(self,
                 arch: str = 'resnet50',
                 num_classes: int = 1000,
                 checkpoint: Optional[str] = None,
                 allow_random: bool = False,
                 bn_mode: str = 'eval',
                 adapter: Optional[Union[dict, nn.Module]] = dict(
                     type='SourceAdapter'),
                 autocast_dtype: Optional[str] = None,
                 autocast_devices: Sequence[str] = ('cuda', ),
                 compile: Union[bool, dict] = False,
                 checkpoint_prefix: Optional[str] = None,
                 classes: Optional[Union[Sequence[str], str]] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if bn_mode not in _BN_MODES:
            raise ConfigError(f'FrozenSource bn_mode must be one of '
                              f'{_BN_MODES}, got {bn_mode!r}')
        if autocast_dtype is not None and autocast_dtype not in (
                _AUTOCAST_DTYPES):
            raise ConfigError(
                'FrozenSource autocast_dtype must be None, '
                f"'bfloat16' or 'float16', got {autocast_dtype!r}")
        self.arch = arch
        self.num_classes = num_classes
        self.checkpoint = checkpoint
        self.allow_random = allow_random
        self.bn_mode = bn_mode
        self.autocast_dtype = autocast_dtype
        self.autocast_devices = tuple(autocast_devices)
        self.checkpoint_prefix = checkpoint_prefix
        self.classes = self._read_classes(classes)
        if isinstance(adapter, dict):
            adapter = MODELS.build(adapter)
        self.adapter = adapter if adapter is not None else nn.Identity()
        self.net = build_torchvision_classifier(arch, num_classes)
        self.net.requires_grad_(False)
        if compile:
            self.net.compile(**(compile if isinstance(compile, dict) else {}))
        self.train(True)

    def _read_classes(
            self, classes: Optional[Union[Sequence[str],
                                          str]]) -> Optional[List[str]]:
        """Read ``classes`` and check it has ``num_classes`` names."""
        if classes is None:
            return None
        names = (
            read_class_names(classes)
            if isinstance(classes, str) else [str(c) for c in classes])
        if len(names) != self.num_classes:
            raise ConfigError(
                f'FrozenSource classes has {len(names)} names but '
                f'num_classes is {self.num_classes}. Give one name per output '
                'of the source network.')
        return names

    def describe(self) -> str:
        """How messages name this source."""
        return f'FrozenSource(arch={self.arch!r})'

    def missing_checkpoint_hint(self) -> str:
        """What to give as ``checkpoint``."""
        return f'Set checkpoint= to a local weights file (see {WEIGHTS_DOC}).'

    def mismatch_message(self, problems: str, state: Dict[str, Tensor]) -> str:
        """The error for a checkpoint that does not fit ``arch``."""
        hint = ''
        if 'unexpected keys' in problems and not self.checkpoint_prefix:
            hint = (' If the file holds a whole model, set checkpoint_prefix '
                    'to the prefix of the source network; the keys start '
                    f'with {top_level_prefixes(list(state))}.')
        return (f'Source checkpoint {self.checkpoint!r} does not fit '
                f'arch={self.arch!r} with num_classes={self.num_classes}: '
                f'{problems}. Check that arch and num_classes match the file '
                f'(see {WEIGHTS_DOC}).{hint}')

    def train(self, mode: bool = True) -> 'FrozenSource':
        """Set the module's mode; the network follows ``bn_mode``.

        Args:
            mode (bool): Training mode. Defaults to True.

        Returns:
            FrozenSource: self.
        """
        super().train(mode)
        self.net.eval()
        if mode and self.bn_mode == 'train':
            for module in self.net.modules():
                if isinstance(module, _BatchNorm):
                    module.train()
        return self

    def set_target_normalization(self, mean: Normalization,
                                 std: Normalization) -> None:
        """Pass the target's mean/std (0-255 scale) on to the adapter.

        Args:
            mean (Sequence[float] | Tensor | None): The target data
                preprocessor's mean.
            std (Sequence[float] | Tensor | None): Its std.
        """
        if hasattr(self.adapter, 'set_target_normalization'):
            self.adapter.set_target_normalization(mean, std)

    def _autocast(self, x: Tensor) -> contextlib.AbstractContextManager:
        """Autocast to ``autocast_dtype`` on ``autocast_devices``, else a
        no-op."""
        device = x.device.type
        if self.autocast_dtype is None or device not in self.autocast_devices:
            return contextlib.nullcontext()
        return torch.autocast(
            device, dtype=_AUTOCAST_DTYPES[self.autocast_dtype])

    def forward(self, inputs: Tensor) -> Tensor:
        """Compute the source's logits on the adapted batch.

        Args:
            inputs (Tensor): The batch as the target sees it.

        Returns:
            Tensor: ``B×num_classes`` float32 logits: an ordinary tensor (not
            an inference tensor) with ``requires_grad=False``.
        """
        with torch.inference_mode():
            x = self.adapter(inputs)
            with self._autocast(x):
                logits = self.net(x)
            logits = logits.float()
        return logits.clone()

    def extra_repr(self) -> str:
        return (f'arch={self.arch}, num_classes={self.num_classes}, '
                f'checkpoint={self.checkpoint}, bn_mode={self.bn_mode}')
