"""MAXL: auxiliary labels learned by a generator to help the primary task.

Meta Auxiliary Learning (Liu, Davison, Johns, NeurIPS 2019), as in the
authors' ``model_vgg_maxl_firstorder.py``. A multi-task net ``theta`` (the
target classifier plus an auxiliary head on its pooled feature) and a label
generator ``phi`` are updated alternately on every batch:

1. ``theta`` takes a step on ``L_train = focal(primary, y) + focal(aux,
   g_phi(x, y))``, the generated labels held fixed;
2. ``phi`` takes a step on the primary loss after a virtual step
   ``theta' = theta - xi * grad_theta L_train`` (``xi``: the target's lr),
   plus ``entropy_weight`` times the entropy regulariser. Its meta-gradient
   ``-xi * d/dphi grad_theta L_train . v`` with ``v = grad L_primary(theta')``
   needs a second-order term; the *first-order* variant gets it, as DARTS
   does, from a central finite difference of first-order gradients,
   ``(grad_phi L_train(theta + eps v) - grad_phi L_train(theta - eps v)) /
   (2 eps)``, so no graph through the virtual step is ever built.
"""
from functools import partial
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapperDict

from sskt.models.losses.focal_loss import soft_focal_loss
from sskt.registry import MODELS
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError
from .base_distiller import BaseDistiller
from .label_generator import (auxiliary_mask, check_psi, entropy_regulariser,
                              first_order_meta_objective, mask_softmax)
from .target_interface import ImageTarget

OPTIM_WRAPPER_HINT = (
    "optim_wrapper = dict(constructor='SeparateOptimWrapperConstructor', "
    "target=dict(modules=['target', 'aux_head'], optimizer=dict(type='SGD', "
    "lr=0.01, momentum=0.9, weight_decay=5e-4)), generator=dict(optimizer="
    "dict(type='SGD', lr=1e-3, weight_decay=5e-4)))")


class _MultiTaskNet(nn.Module):
    """The target and the aux head as one module for ``functional_call``.

    Not a submodule of :class:`MAXL`, only a view: its parameter names are
    those of :class:`MAXL` (``target.*``, ``aux_head.*``). Both heads read
    what the target's head reads (its neck's output).
    """

    def __init__(self, interface: ImageTarget, aux_head: nn.Module) -> None:
        super().__init__()
        self.target = interface.model
        self.aux_head = aux_head
        self._interface = interface

    def forward(self,
                inputs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        interface = self._interface
        feats = interface.head_input(interface.stage_features(inputs))
        return interface.head(feats), self.aux_head(feats)


@MODELS.register_module()
class MAXL(BaseDistiller):
    """Meta Auxiliary Learning, first-order (see the module docstring).

    The primary loss is ``primary_loss`` on the target head's logits; the
    loss configured in the target's head is not used for training.
    :meth:`train_step` needs an ``OptimWrapperDict`` with the wrappers
    ``target`` (the modules ``target`` and ``aux_head``) and ``generator``.

    Args:
        target (dict): The primary classifier, e.g. an mmpretrain
            ``ImageClassifier`` dict (``_scope_='mmpretrain'``) whose head has
            ``len(psi)`` classes.
        psi (Sequence[int]): Auxiliary classes per primary class; primary
            class ``y`` owns the auxiliary classes ``sum(psi[:y])`` to
            ``sum(psi[:y+1]) - 1``.
        generator (dict): The label generator, a classifier whose logits
            (``mode='tensor'``) have ``sum(psi)`` entries. It sees the
            target's preprocessed inputs.
        aux_head (dict, optional): The auxiliary head on the target's pooled
            feature; gets ``in_channels`` (the target head's) and
            ``num_classes=sum(psi)``. Defaults to ``dict(type='AuxHead')``.
        primary_loss (dict): Loss of the primary logits against the labels.
            Defaults to the softmax ``FocalLoss`` with ``gamma=2``.
        aux_loss_gamma (float): Focal exponent of the auxiliary loss against
            the generated labels. Defaults to 2.0.
        entropy_weight (float): Weight of the entropy regulariser in the
            generator's objective. Defaults to 0.2.
        finite_diff_eps (float): Norm of the finite-difference step
            ``eps * v``. Defaults to 0.01.
        data_preprocessor (dict, optional): Used as the target's data
            preprocessor when the target dict has none.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 target: dict,
                 psi: Sequence[int],
                 generator: dict,
                 aux_head: Optional[dict] = None,
                 primary_loss: dict = dict(type='FocalLoss', gamma=2.0),
                 aux_loss_gamma: float = 2.0,
                 entropy_weight: float = 0.2,
                 finite_diff_eps: float = 0.01,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        require_non_negative('model.entropy_weight', entropy_weight)
        require_non_negative(
            'model.aux_loss_gamma', aux_loss_gamma,
            'it is the focal exponent (0: plain cross-entropy)')
        require_positive('model.finite_diff_eps', finite_diff_eps,
                         'it is the step of the finite difference')
        super().__init__(target, data_preprocessor, init_cfg)
        self.psi = check_psi(psi)
        self.generator = MODELS.build(generator)
        self._check_classes()
        self.aux_head = self._build_aux_head(aux_head)
        self.primary_loss = MODELS.build(primary_loss)
        self.aux_loss_gamma = aux_loss_gamma
        self.entropy_weight = entropy_weight
        self.finite_diff_eps = finite_diff_eps

    def _check_classes(self) -> None:
        """``len(psi)`` = target classes, ``sum(psi)`` = generator's."""
        generator_classes = getattr(
            getattr(self.generator, 'head', None), 'num_classes', None)
        for name, classes, expected in (('target',
                                         self.target_interface.num_classes,
                                         len(self.psi)), ('generator',
                                                          generator_classes,
                                                          sum(self.psi))):
            if classes is not None and classes != expected:
                rule = 'len(psi)' if name == 'target' else 'sum(psi)'
                raise ConfigError(
                    f'model.{name} has {classes} classes but {rule} = '
                    f'{expected} (psi={self.psi}); make them equal.')

    def _build_aux_head(self, cfg: Optional[dict]) -> nn.Module:
        """The aux head, reading what the target's head reads."""
        cfg = dict(cfg or dict(type='AuxHead'))
        in_channels = getattr(self.target_interface.head, 'in_channels', None)
        if 'in_channels' not in cfg and in_channels is None:
            raise ConfigError('The target head has no `in_channels`; set '
                              'model.aux_head.in_channels.')
        cfg.setdefault('in_channels', in_channels)
        cfg.setdefault('num_classes', sum(self.psi))
        return MODELS.build(cfg)

    # ------------------------------------------------------------ forward
    @property
    def multi_task_net(self) -> _MultiTaskNet:
        """The target and the aux head as one module (a view)."""
        return _MultiTaskNet(self.target_interface, self.aux_head)

    def generate_labels(self, inputs: torch.Tensor,
                        labels: torch.Tensor) -> torch.Tensor:
        """The generator's hierarchical auxiliary labels ``(B, sum(psi))``.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            labels (torch.Tensor): Primary labels of shape ``(B, )``.

        Returns:
            torch.Tensor: The mask-softmax of the generator's logits.
        """
        logits = self.generator(inputs, mode='tensor')
        if logits.dim() != 2 or logits.size(1) != sum(self.psi):
            raise ConfigError(
                f'model.generator gives logits of shape {tuple(logits.shape)}'
                f' but sum(psi) = {sum(self.psi)}; make them equal.')
        return mask_softmax(logits, auxiliary_mask(labels, self.psi))

    def multi_task_losses(self, primary: torch.Tensor, aux: torch.Tensor,
                          labels: torch.Tensor,
                          aux_labels: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_primary`` and ``loss_aux`` (focal on generated labels)."""
        return dict(
            loss_primary=self.primary_loss(primary, labels),
            loss_aux=soft_focal_loss(aux, aux_labels, self.aux_loss_gamma))

    def loss(self, inputs: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        """The multi-task losses, for evaluation; training uses train_step.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            data_samples (list): The batch's data samples (hard labels).

        Returns:
            dict[str, Tensor]: ``loss_primary`` and ``loss_aux`` (the
            generated labels carry no gradient).
        """
        labels = _primary_labels(data_samples)
        with torch.no_grad():
            aux_labels = self.generate_labels(inputs, labels)
        primary, aux = self.multi_task_net(inputs)
        return self.multi_task_losses(primary, aux, labels, aux_labels)

    # ------------------------------------------------------------ training
    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """One alternating MAXL step: the multi-task net, then the generator.

        Args:
            data (dict): The batch from the dataloader.
            optim_wrapper (OptimWrapperDict): With ``target`` and
                ``generator`` wrappers.

        Returns:
            dict[str, Tensor]: ``loss``, ``loss_primary``, ``loss_aux``,
            ``loss_generator`` (the primary loss at ``theta'``) and
            ``entropy`` (of the batch-mean generated labels).
        """
        _check_optim_wrapper(optim_wrapper)
        data = self.data_preprocessor(data, True)
        inputs = data['inputs']
        labels = _primary_labels(data['data_samples'])
        log_vars = self.update_multi_task(inputs, labels, optim_wrapper)
        log_vars.update(self.update_generator(inputs, labels, optim_wrapper))
        return log_vars

    def update_multi_task(
            self, inputs: torch.Tensor, labels: torch.Tensor,
            optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """Step (1): update target and aux head; the generator is untouched.

        Returns:
            dict[str, Tensor]: ``loss``, ``loss_primary``, ``loss_aux``.
        """
        wrapper = optim_wrapper['target']
        with torch.no_grad():
            aux_labels = self.generate_labels(inputs, labels)
        with wrapper.optim_context(self):
            primary, aux = self.multi_task_net(inputs)
            losses = self.multi_task_losses(primary, aux, labels, aux_labels)
        loss = losses['loss_primary'] + losses['loss_aux']
        wrapper.update_params(loss)
        losses['loss'] = loss
        return {k: v.detach() for k, v in losses.items()}

    def update_generator(
            self, inputs: torch.Tensor, labels: torch.Tensor,
            optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """Step (2): update the generator by the first-order meta-gradient.

        Returns:
            dict[str, Tensor]: ``loss_generator`` and ``entropy``.
        """
        wrapper = optim_wrapper['generator']
        lr = optim_wrapper['target'].optimizer.param_groups[0]['lr']
        with wrapper.optim_context(self):
            objective, log_vars = self.generator_objective(inputs, labels, lr)
        wrapper.update_params(objective)
        return log_vars

    def generator_objective(
            self, inputs: torch.Tensor, labels: torch.Tensor,
            lr: float) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """A scalar whose gradient w.r.t. the generator is its update.

        It is the first-order meta term (:func:`first_order_meta_objective`,
        which leaves the target's parameters and BN statistics exactly as
        they were) plus ``entropy_weight`` times the entropy regulariser.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            labels (torch.Tensor): Primary labels of shape ``(B, )``.
            lr (float): ``xi``, the learning rate of the virtual step.

        Returns:
            tuple[Tensor, dict]: The objective and the log vars
            ``loss_generator`` and ``entropy``.
        """
        aux_labels = self.generate_labels(inputs, labels)
        meta, loss_generator = first_order_meta_objective(
            self.multi_task_net,
            inputs,
            labels,
            aux_labels,
            lr,
            primary_loss=self.primary_loss,
            aux_loss=partial(soft_focal_loss, gamma=self.aux_loss_gamma),
            finite_diff_eps=self.finite_diff_eps)
        regulariser = entropy_regulariser(aux_labels)
        objective = meta + self.entropy_weight * regulariser
        return objective, dict(
            loss_generator=loss_generator, entropy=-regulariser.detach())


def _primary_labels(data_samples: Optional[list]) -> torch.Tensor:
    """The hard labels ``(B, )`` of the batch."""
    if not data_samples or 'gt_label' not in data_samples[0]:
        raise ConfigError('MAXL needs hard labels (gt_label) in every data '
                          'sample; remove mixup/cutmix batch augments.')
    return torch.cat([sample.gt_label for sample in data_samples])


def _check_optim_wrapper(optim_wrapper) -> None:
    """The two wrappers MAXL steps: ``target`` and ``generator``."""
    keys = set(optim_wrapper.keys()) if isinstance(
        optim_wrapper, OptimWrapperDict) else set()
    if not {'target', 'generator'} <= keys:
        raise ConfigError(
            'MAXL trains with two optimizers, named target and generator; '
            f'got {sorted(keys) or type(optim_wrapper).__name__}. Use e.g. ' +
            OPTIM_WRAPPER_HINT)
