"""What the distillers share about their target and their frozen teachers.

Every distiller trains a classifier called ``target`` (so that
``tools/model_converters/extract_target.py`` exports it and a plain target
checkpoint loads into the distiller) and learns from frozen networks that see
the target's preprocessed batch. These helpers build the target, tell a
frozen network how the target normalises, build a soft-logit loss at the
distiller's temperature and let a plain target checkpoint load. How the
target is run is :mod:`.target_interface`.
"""
import copy
import inspect
from typing import Optional

import torch.nn as nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def build_target(target: dict,
                 data_preprocessor: Optional[dict] = None) -> nn.Module:
    """Build the target; the config's preprocessor goes in if it has none.

    The Runner passes a config's top-level ``data_preprocessor`` to the
    distiller; the target (an mmpretrain classifier) is what uses it.

    Args:
        target (dict): The target model config.
        data_preprocessor (dict, optional): Set as the target's
            ``data_preprocessor`` unless the target dict has one.

    Returns:
        nn.Module: The built target.
    """
    target = copy.deepcopy(target)
    if data_preprocessor is not None:
        target.setdefault('data_preprocessor', data_preprocessor)
    return MODELS.build(target)


def share_target_normalization(frozen: nn.Module,
                               preprocessor: nn.Module) -> None:
    """Tell a frozen network how the target's preprocessor normalises.

    Args:
        frozen (nn.Module): A source or teacher with
            ``set_target_normalization(mean, std)``.
        preprocessor (nn.Module): The target's data preprocessor.
    """
    if getattr(preprocessor, '_enable_normalize', False):
        frozen.set_target_normalization(preprocessor.mean.flatten(),
                                        preprocessor.std.flatten())
    else:  # the target sees unnormalised pixels
        frozen.set_target_normalization(None, None)


def build_tempered_loss(cfg: dict, T: float, where: str) -> nn.Module:
    """Build a loss; one that takes ``T`` gets ``T`` unless it sets one.

    Args:
        cfg (dict): The loss config.
        T (float): The distiller's temperature.
        where (str): The config key, for the error message.

    Returns:
        nn.Module: The loss.
    """
    cfg = dict(cfg)
    loss_cls = MODELS.get(cfg['type'])
    if loss_cls is None:
        raise ConfigError(f'Unknown loss type {cfg["type"]!r} in {where}. '
                          'Use a registered loss such as KDLoss, '
                          'BinaryKDLoss or SoftTargetCELoss.')
    if 'T' in inspect.signature(loss_cls).parameters:
        cfg.setdefault('T', T)
    return MODELS.build(cfg)


def accept_plain_target_keys(state_dict: dict, prefix: str, *args) -> None:
    """Let ``load_from`` read a plain target checkpoint into a distiller.

    A checkpoint of the target alone has keys ``backbone.*``, ``head.*``…
    instead of ``target.backbone.*``; they are renamed in place. Keys of the
    distiller's other parts are then missing, which a non-strict load
    reports. Register it with ``_register_load_state_dict_pre_hook``.
    """
    keys = [k for k in state_dict if k.startswith(prefix)]
    if any(k.startswith(prefix + 'target.') for k in keys):
        return
    if not any(k[len(prefix):].split('.', 1)[0] in ('backbone', 'neck', 'head')
               for k in keys):
        return
    for key in keys:
        state_dict[prefix + 'target.' +
                   key[len(prefix):]] = state_dict.pop(key)
