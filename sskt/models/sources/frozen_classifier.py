"""A frozen classifier of any kind, e.g. a KD teacher trained with sskt.

:class:`FrozenClassifier` builds a classifier from a model config (or takes
the ``model`` of a config file), loads an mmengine checkpoint strictly in
:meth:`FrozenClassifier.init_weights` (so building a config never touches the
file), never trains and never passes gradients: its forward runs under
``torch.inference_mode()`` and returns a fresh tensor usable as a loss target.
"""
import copy
import logging
import os.path as osp
from typing import Dict, List, Optional, Union

import torch
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.model import BaseModel
from torch import Tensor

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError, MissingFileError
from .adapters import Normalization
from .checkpoint_formats import top_level_prefixes
from .frozen_network import FrozenNetwork


def load_model_config(config: str) -> dict:
    """Read the classifier config from a config file.

    The file's ``model`` is taken; for a distiller config (a ``model`` with
    a ``target``) its ``target`` is. The file's top-level
    ``data_preprocessor`` goes into the classifier unless it has its own, as
    the Runner does, and a model without ``_scope_`` gets the file's
    ``default_scope``.

    Args:
        config (str): Path of an sskt config, e.g.
            ``'configs/baselines/scratch/r56_cifar10.py'``.

    Returns:
        dict: The classifier's model config.
    """
    if not osp.isfile(config):
        raise MissingFileError(
            f'FrozenClassifier config {config!r} does not exist. Give the '
            'path (relative to where tools/train.py runs) of the config the '
            'classifier was trained with, or give its model dict as model=.')
    cfg = Config.fromfile(config)
    if not isinstance(cfg.get('model'), dict):
        raise ConfigError(
            f'FrozenClassifier config {config!r} has no `model` dict. Point '
            'config= to a training config such as '
            'configs/baselines/scratch/r20_cifar10.py.')
    model = copy.deepcopy(cfg.model.to_dict())
    if isinstance(model.get('target'), dict):  # a distiller's config
        model = model['target']
    if cfg.get('data_preprocessor') is not None:
        model.setdefault('data_preprocessor', cfg.data_preprocessor.to_dict())
    if cfg.get('default_scope') and '_scope_' not in model:
        model['_scope_'] = cfg.default_scope
    return model


def _close(given: Normalization, own: Tensor) -> bool:
    """Whether a given mean/std equals a preprocessor's (to 0.05)."""
    if given is None:
        return False
    given = torch.as_tensor(given, dtype=torch.float32).flatten().cpu()
    own = own.float().flatten().cpu()
    return given.shape == own.shape and torch.allclose(given, own, atol=0.05)


@MODELS.register_module()
class FrozenClassifier(FrozenNetwork):
    """A trained classifier, frozen, that sees the target's batch as it is.

    It is the teacher of :class:`~sskt.models.distillers.KD`, and meets the
    source contract of ``docs/customize.md`` (``num_classes``,
    ``set_target_normalization``, ``init_weights``, ``train``, ``forward``),
    so it can also serve as an SSKT source. There is no adapter: the
    classifier gets exactly the preprocessed batch of the target, so it must
    have been trained with the same input size and normalisation.

    Args:
        model (dict, optional): The classifier config, e.g. an mmpretrain
            ``ImageClassifier`` dict with ``_scope_='mmpretrain'``.
        config (str, optional): Instead of ``model``: a config file whose
            ``model`` is the classifier (see :func:`load_model_config`).
        checkpoint (str, optional): Local checkpoint: an mmengine one written
            by ``tools/train.py`` (keys ``backbone.*``, ``head.*``…) or a
            plain state dict. Read strictly in :meth:`init_weights`, with
            ``torch.load(weights_only=True)``. Defaults to None (an error
            there unless ``allow_random``).
        checkpoint_prefix (str, optional): Prefix of the classifier's keys in
            the checkpoint, selected and stripped, e.g. ``'target.'`` for a
            distiller's checkpoint. A leading ``module.`` is always
            stripped. Defaults to None.
        allow_random (bool): Keep random weights when ``checkpoint`` is
            None. For tests only. Defaults to False.
        init_cfg (dict | list[dict], optional): mmengine init config.
            Defaults to None.
    """

    def __init__(self,
                 model: Optional[dict] = None,
                 config: Optional[str] = None,
                 checkpoint: Optional[str] = None,
                 checkpoint_prefix: Optional[str] = None,
                 allow_random: bool = False,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if (model is None) == (config is None):
            raise ConfigError(
                'FrozenClassifier needs exactly one of model= (a model '
                'config dict) and config= (a config file path); got '
                f'model={model!r}, config={config!r}.')
        self.config = config
        self.checkpoint = checkpoint
        self.checkpoint_prefix = checkpoint_prefix
        self.allow_random = allow_random
        model = load_model_config(config) if config else copy.deepcopy(model)
        self.net = MODELS.build(model)
        self.net.requires_grad_(False)
        head = getattr(self.net, 'head', None)
        #: Size of the logits; None until the first forward for a model
        #: whose head does not say.
        self.num_classes: Optional[int] = getattr(head, 'num_classes', None)
        self.train(True)

    @property
    def name(self) -> str:
        """How messages name this classifier: its config or its type."""
        return self.config or type(self.net).__name__

    def describe(self) -> str:
        """How messages name this classifier."""
        return f'FrozenClassifier({self.name})'

    def missing_checkpoint_hint(self) -> str:
        """What to give as ``checkpoint``."""
        return ('Set checkpoint= to the file tools/train.py wrote for it '
                '(e.g. work_dirs/<config>/epoch_200.pth; add '
                "checkpoint_prefix='target.' for a distiller's).")

    def mismatch_message(self, problems: str, state: Dict[str, Tensor]) -> str:
        """The error for a checkpoint that does not fit the classifier."""
        hint = ''
        if 'unexpected keys' in problems and not self.checkpoint_prefix:
            hint = (" For a distiller's checkpoint set "
                    "checkpoint_prefix='target.'; the keys start with "
                    f'{top_level_prefixes(list(state))}.')
        return (f'Checkpoint {self.checkpoint!r} does not fit the classifier '
                f'{self.name}: {problems}. Check that the model config is the '
                f'one the checkpoint was trained with.{hint}')

    def train(self, mode: bool = True) -> 'FrozenClassifier':
        """Set the module's mode; the classifier always stays in eval mode.

        Args:
            mode (bool): Training mode. Defaults to True.

        Returns:
            FrozenClassifier: self.
        """
        super().train(mode)
        self.net.eval()
        return self

    def set_target_normalization(self, mean: Normalization,
                                 std: Normalization) -> None:
        """Do nothing: the classifier sees the target's batch as it is.

        It is here so that distillers treat every frozen network alike. The
        classifier must expect the target's normalisation; a warning says so
        when its own data preprocessor normalises differently.

        Args:
            mean (Sequence[float] | Tensor | None): The target data
                preprocessor's mean (0-255 scale), None if it does not
                normalise.
            std (Sequence[float] | Tensor | None): Its std.
        """
        own = getattr(self.net, 'data_preprocessor', None)
        if not getattr(own, '_enable_normalize', False):
            return
        if not (_close(mean, own.mean) and _close(std, own.std)):
            print_log(
                f'FrozenClassifier({self.name}) was configured with mean '
                f'{own.mean.flatten().tolist()} and std '
                f'{own.std.flatten().tolist()}, but the target normalises '
                f'with {mean} / {std}; it sees the target\'s batch as it is. '
                'Give the target the data_preprocessor the classifier was '
                'trained with.',
                logger='current',
                level=logging.WARNING)

    def forward(self, inputs: Tensor) -> Tensor:
        """Compute the classifier's logits on the target's batch.

        Args:
            inputs (Tensor): The preprocessed batch.

        Returns:
            Tensor: ``B×num_classes`` pre-softmax scores: an ordinary tensor
            (not an inference tensor) with ``requires_grad=False``.
        """
        with torch.inference_mode():
            if isinstance(self.net, BaseModel):
                logits = self.net(inputs, mode='tensor')
            else:
                logits = self.net(inputs)
        if not isinstance(logits, Tensor) or logits.dim() != 2:
            found = (
                tuple(logits.shape)
                if isinstance(logits, Tensor) else type(logits).__name__)
            raise ConfigError(
                f'FrozenClassifier({self.name}) must return B×K logits, got '
                f'{found}. Use a classifier whose forward (mode="tensor" for '
                'mmengine models) returns the head\'s scores.')
        if self.num_classes is None:
            self.num_classes = int(logits.shape[1])
        return logits.clone()

    def extra_repr(self) -> str:
        return (f'config={self.config}, num_classes={self.num_classes}, '
                f'checkpoint={self.checkpoint}')
