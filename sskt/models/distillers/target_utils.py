"""What the distillers share about their target and their frozen teachers.

Every distiller trains a classifier called ``target`` (so that
``tools/model_converters/extract_target.py`` exports it and a plain target
checkpoint loads into the distiller) and learns from frozen networks that see
the target's preprocessed batch. These helpers build the target, tell a
frozen network how the target normalises, run the target's head for its own
loss (``loss_cls``) and build a soft-logit loss at the distiller's
temperature.
"""
import copy
import inspect
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

Feats = Sequence[torch.Tensor]


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


def is_recognizer(target: nn.Module) -> bool:
    """Whether the target is an mmaction recognizer (it has a ``cls_head``)."""
    return hasattr(target, 'cls_head')


def target_stage_features(target: nn.Module,
                          inputs: torch.Tensor) -> Tuple[Feats, dict]:
    """Run the target's backbone once and return every stage it outputs.

    Works for mmpretrain classifiers (``B x C x H x W`` inputs) and mmaction
    recognizers (``B x clips x C x T x H x W``: the clips are folded into the
    batch, as mmaction does).

    Args:
        target (nn.Module): An mmpretrain classifier or mmaction recognizer.
        inputs (torch.Tensor): The preprocessed batch.

    Returns:
        tuple[Sequence[Tensor], dict]: The stage outputs, and the keyword
        arguments the recognizer's head expects (empty for classifiers).
    """
    if is_recognizer(target):
        feats, head_kwargs = target.extract_feat(inputs, stage='backbone')
    else:
        feats, head_kwargs = target.extract_feat(inputs, stage='backbone'), {}
    if isinstance(feats, torch.Tensor):
        feats = (feats, )
    return tuple(feats), head_kwargs


def frames_for_sources(inputs: torch.Tensor) -> torch.Tensor:
    """The batch as the sources' adapters take it: clips folded into it.

    mmaction batches are ``B x clips x C x T x H x W``; the backbone sees
    ``(B * clips) x C x T x H x W``, and so do the adapters (which then take
    each clip's centre frame). Image batches pass through.
    """
    if inputs.dim() == 6:
        return inputs.flatten(0, 1)
    return inputs


def _neck(target: nn.Module, stage_feats: Feats) -> Feats:
    """The target's neck output (its backbone output if it has no neck)."""
    return target.neck(stage_feats) if target.with_neck else stage_feats


def _as_loss_cls(
        head_losses: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename an mmpretrain head's ``loss`` to ``loss_cls``, keeping the rest.

    mmaction heads already call theirs ``loss_cls``.
    """
    head_losses = dict(head_losses)
    if 'loss' not in head_losses:
        return head_losses
    losses = {'loss_cls': head_losses.pop('loss')}
    losses.update(head_losses)
    return losses


def target_head_loss(
        target: nn.Module,
        stage_feats: Feats,
        data_samples: list,
        head_kwargs: Optional[dict] = None) -> Dict[str, torch.Tensor]:
    """The target's own loss from its backbone output, as ``loss_cls``.

    Args:
        target (nn.Module): An mmpretrain classifier or mmaction recognizer.
        stage_feats (Sequence[Tensor]): Its backbone output.
        data_samples (list): The batch's data samples.
        head_kwargs (dict, optional): From :func:`target_stage_features`.

    Returns:
        dict[str, Tensor]: ``loss_cls`` and whatever else the head logs.
    """
    if not is_recognizer(target):
        feats = _neck(target, stage_feats)
        return _as_loss_cls(target.head.loss(feats, data_samples))
    feats, neck_losses = stage_feats, {}
    if target.with_neck:
        feats, neck_losses = target.neck(
            stage_feats, data_samples=data_samples)
    elif len(stage_feats) == 1:
        feats = stage_feats[0]
    losses = target.cls_head.loss(feats, data_samples, **(head_kwargs or {}))
    losses.update(neck_losses or {})
    return _as_loss_cls(losses)


def target_logits_and_loss(
        target: nn.Module, stage_feats: Feats,
        data_samples: list) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
    """The target's logits and its own loss, with one head forward.

    mmpretrain heads compute ``loss`` as ``_get_loss(self(feats), ...)``;
    this does the same, keeping the logits. A head without ``_get_loss`` gets
    ``loss`` and a second forward.

    Args:
        target (nn.Module): An mmpretrain ``ImageClassifier``.
        stage_feats (Sequence[Tensor]): Its backbone output.
        data_samples (list): The batch's data samples.

    Returns:
        tuple[Tensor, dict[str, Tensor]]: The ``B×K`` pre-softmax scores and
        the losses (``loss_cls`` and whatever else the head logs).
    """
    feats = _neck(target, stage_feats)
    head = target.head
    logits = head(feats)
    if hasattr(head, '_get_loss'):
        head_losses = head._get_loss(logits, data_samples)
    else:
        head_losses = head.loss(feats, data_samples)
    return logits, _as_loss_cls(head_losses)


def classifier_logits(model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """A classifier's or recognizer's pre-softmax scores on a batch.

    mmpretrain classifiers give them in ``mode='tensor'``; an mmaction
    recognizer's ``tensor`` mode stops before its head, so its backbone, neck
    and ``cls_head`` run here (one score row per clip).

    Args:
        model (nn.Module): An mmpretrain classifier or mmaction recognizer.
        inputs (torch.Tensor): The preprocessed batch.

    Returns:
        torch.Tensor: The scores, ``(B * clips) x K``.
    """
    if not is_recognizer(model):
        return model(inputs, mode='tensor')
    feats, head_kwargs = target_stage_features(model, inputs)
    if model.with_neck:
        feats, _ = model.neck(feats)
    elif len(feats) == 1:
        feats = feats[0]
    return model.cls_head(feats, **head_kwargs)


def loss_from_logits(model: nn.Module, logits: torch.Tensor,
                     data_samples: list) -> Dict[str, torch.Tensor]:
    """The head's own loss on given scores, as ``loss_cls``.

    Uses mmpretrain's ``head._get_loss`` or mmaction's
    ``cls_head.loss_by_feat``, so that a distiller computing other terms on
    the same scores runs the head once.

    Args:
        model (nn.Module): An mmpretrain classifier or mmaction recognizer.
        logits (torch.Tensor): Its scores from :func:`classifier_logits`.
        data_samples (list): The batch's data samples.

    Returns:
        dict[str, Tensor]: ``loss_cls`` and whatever else the head logs.
    """
    if is_recognizer(model):
        return _as_loss_cls(model.cls_head.loss_by_feat(logits, data_samples))
    return _as_loss_cls(model.head._get_loss(logits, data_samples))


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
