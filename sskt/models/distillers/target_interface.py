"""One way for a distiller to run its target: image classifier or video.

A distiller calls :func:`target_interface` once, when it is built, and then
uses the returned object for everything it needs from a trained network:
the stage outputs of the backbone (which SSKT's branches read), the logits
of the target's head, the target's own loss from those logits, and the batch
as the frozen sources take it. :class:`ImageTarget` wraps an mmpretrain
``ImageClassifier`` (``.head``), :class:`VideoTarget` an mmaction recognizer
(``.cls_head``). The interface is a plain object, not a submodule, so it adds
no state-dict keys.
"""
from typing import Dict, NamedTuple, Tuple

import torch
import torch.nn as nn
from mmpretrain.models.heads import MultiLabelClsHead

from sskt.utils.errors import ConfigError


class TargetFeatures(NamedTuple):
    """The backbone's stage outputs and what the head needs besides them.

    Attributes:
        stages (tuple[Tensor]): Every stage the backbone outputs.
        head_kwargs (dict): Keyword arguments of the head (mmaction's
            ``num_segs``); empty for image classifiers.
    """
    stages: Tuple[torch.Tensor, ...]
    head_kwargs: dict


def _as_loss_cls(losses: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """The head's losses with mmpretrain's ``loss`` renamed ``loss_cls``."""
    losses = dict(losses)
    if 'loss' not in losses:
        return losses
    return {'loss_cls': losses.pop('loss'), **losses}


class ImageTarget:
    """An mmpretrain classifier: ``backbone``, optional ``neck``, ``head``.

    Args:
        model (nn.Module): The classifier.
    """

    def __init__(self, model: nn.Module) -> None:
        self.model = model

    @property
    def head(self) -> nn.Module:
        """The classification head."""
        return self.model.head

    @property
    def num_classes(self):
        """The head's class count (None if it does not say)."""
        return getattr(self.head, 'num_classes', None)

    @property
    def multi_label(self) -> bool:
        """Whether the head scores every class with its own sigmoid."""
        return isinstance(self.head, MultiLabelClsHead)

    def stage_features(self, inputs: torch.Tensor) -> TargetFeatures:
        """Run the backbone once; every stage it outputs.

        Args:
            inputs (torch.Tensor): The preprocessed ``B x C x H x W`` batch.

        Returns:
            TargetFeatures: The stage outputs (no head arguments).
        """
        feats = self.model.extract_feat(inputs, stage='backbone')
        if isinstance(feats, torch.Tensor):
            feats = (feats, )
        return TargetFeatures(tuple(feats), {})

    def head_input(self, feats: TargetFeatures):
        """What the head reads: the neck's output, or the stages."""
        if self.model.with_neck:
            return self.model.neck(feats.stages)
        return feats.stages

    def logits(self, feats: TargetFeatures) -> torch.Tensor:
        """The head's pre-softmax scores, ``B x K``."""
        return self.head(self.head_input(feats))

    def logits_of(self, inputs: torch.Tensor) -> torch.Tensor:
        """The scores of a batch (backbone, neck, head)."""
        return self.logits(self.stage_features(inputs))

    def loss(self, logits: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        """The head's own loss on ``logits``, as ``loss_cls`` (first).

        Args:
            logits (torch.Tensor): From :meth:`logits`.
            data_samples (list): The batch's data samples.

        Returns:
            dict[str, Tensor]: ``loss_cls`` and whatever else the head logs.
        """
        return _as_loss_cls(self.head._get_loss(logits, data_samples))

    def source_inputs(self, inputs: torch.Tensor) -> torch.Tensor:
        """The batch as the frozen sources take it: unchanged."""
        return inputs


class VideoTarget(ImageTarget):
    """An mmaction recognizer: ``backbone``, optional ``neck``, ``cls_head``.

    Batches are ``B x clips x C x T x H x W``; the backbone, the head and
    the sources see the clips folded into the batch, as mmaction does. The
    auxiliary losses of a neck (mmaction's TPN) are not added to the loss.

    Args:
        model (nn.Module): The recognizer.
    """

    @property
    def head(self) -> nn.Module:
        """The classification head (mmaction's ``cls_head``)."""
        return self.model.cls_head

    def stage_features(self, inputs: torch.Tensor) -> TargetFeatures:
        """Run the backbone once; every stage, and the head's arguments."""
        feats, head_kwargs = self.model.extract_feat(inputs, stage='backbone')
        if isinstance(feats, torch.Tensor):
            feats = (feats, )
        return TargetFeatures(tuple(feats), dict(head_kwargs))

    def head_input(self, feats: TargetFeatures):
        """The neck's output (its losses dropped), or the last stage."""
        if self.model.with_neck:
            return self.model.neck(feats.stages)[0]
        return feats.stages[0] if len(feats.stages) == 1 else feats.stages

    def logits(self, feats: TargetFeatures) -> torch.Tensor:
        """The head's scores, one row per clip."""
        return self.head(self.head_input(feats), **feats.head_kwargs)

    def loss(self, logits: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        """mmaction's ``loss_by_feat`` on ``logits``: ``loss_cls`` first."""
        return _as_loss_cls(self.head.loss_by_feat(logits, data_samples))

    def source_inputs(self, inputs: torch.Tensor) -> torch.Tensor:
        """The clips folded into the batch: ``(B * clips) x C x T x H x W``."""
        return inputs.flatten(0, 1) if inputs.dim() == 6 else inputs


def target_interface(model: nn.Module) -> ImageTarget:
    """The interface that fits ``model``, chosen once when it is built.

    Args:
        model (nn.Module): An mmpretrain classifier (with ``head``) or an
            mmaction recognizer (with ``cls_head``).

    Returns:
        ImageTarget: An :class:`ImageTarget` or a :class:`VideoTarget`.
    """
    if isinstance(getattr(model, 'cls_head', None), nn.Module):
        interface = VideoTarget(model)
        needed = 'loss_by_feat'
    elif isinstance(getattr(model, 'head', None), nn.Module):
        interface, needed = ImageTarget(model), '_get_loss'
    else:
        raise ConfigError(
            f'The target {type(model).__name__} has neither a `head` '
            '(mmpretrain classifier) nor a `cls_head` (mmaction recognizer); '
            'a distiller trains one of those two, so build the target from '
            'an ImageClassifier or a Recognizer3D config.')
    if not hasattr(interface.head, needed):
        raise ConfigError(
            f'The target head {type(interface.head).__name__} has no '
            f'`{needed}`, which the distillers use to compute the target '
            'loss from the logits they also distil; use an mmpretrain '
            '`ClsHead` or an mmaction `BaseHead` subclass.')
    return interface
