"""SSKT: a target taught by frozen sources through auxiliary branches."""
import copy
from typing import Dict, List, Mapping, Optional, Sequence

import torch
import torch.nn as nn

from sskt.registry import MODELS
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError
from .base_distiller import BaseDistiller
from .retired_options import refuse_retired_options
from .target_utils import build_tempered_loss, share_target_normalization

#: What every source's auxiliary branch is made of unless ``aux`` says else:
#: a transfer module over all stages, a linear head, soft-target CE.
DEFAULT_AUX = dict(
    neck=dict(type='TransferModule'),
    head=dict(type='AuxHead'),
    loss=dict(type='SoftTargetCELoss'))


@MODELS.register_module()
class SSKT(BaseDistiller):
    """Self-Supervised Knowledge Transfer (Hong et al., WACV 2022).

    The target classifier trains on its own task while, for every frozen
    source ``s``, an auxiliary branch (a neck over the target's stage outputs
    plus a linear head) learns to predict the source's logits on the same
    images: ``loss = loss_cls + alpha * sum_s aux_loss_s(a_s, q_s; T)``. The
    target backbone runs once per step and feeds the main head and every
    branch; prediction uses the main head only.

    Sources are kept out of the module tree (:class:`FrozenModelsMixin`):
    never in the optimizer, never wrapped by DDP, not in checkpoints; they
    reload from their own files when training starts.

    Args:
        target (dict): The target model, e.g. an mmpretrain ``ImageClassifier``
            dict that carries ``_scope_='mmpretrain'``. Its backbone must
            return every stage the branches read (``out_indices``).
        sources (dict[str, dict]): ``{name: FrozenSource config}``; the name
            appears in the loss keys (``loss_aux_<name>``).
        aux (dict): The branch of every source: ``neck``, ``head`` and
            ``loss`` configs, each defaulting to :data:`DEFAULT_AUX`. The neck
            gets ``in_channels`` (the stage widths, read by a dry forward of
            the backbone), the head ``in_channels`` (the neck's
            ``out_channels``) and ``num_classes`` (the source's), and a loss
            that takes ``T`` gets this model's ``T`` unless it sets its own.
        aux_per_source (dict[str, dict], optional): Per-source overrides of
            ``aux``, e.g. ``dict(places365=dict(loss=dict(type='KDLoss')))``.
        alpha (float): Weight of the auxiliary losses. Defaults to 1.0.
        T (float): Temperature of the auxiliary losses. Defaults to 1.0.
        probe_input_shape (Sequence[int]): Shape of one input (without the
            batch) for the dry forward that reads the stage widths.
            Defaults to ``(3, 64, 64)``; a 3D target needs
            ``(3, T, H, W)``, e.g. ``(3, 16, 64, 64)``.
        aux_in_val_loss (bool): Attach the auxiliary loss to predictions so
            that :class:`ValLoss` reports the original 3D code's validation
            loss (target + auxiliary terms). Costs a second backbone pass
            and the sources at validation. Defaults to False.
        **retired: ``channels_last``, ``compile_target``,
            ``batched_log_sync`` and ``soft_label_cache`` moved to hooks and
            to :class:`SSKTWithSoftLabelCache`; giving one is a
            ``ConfigError`` that names its new setting.
        data_preprocessor (dict, optional): Used as the target's data
            preprocessor when the target dict has none (the Runner passes a
            config's top-level ``data_preprocessor`` here).
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 target: dict,
                 sources: Dict[str, dict],
                 aux: Optional[dict] = None,
                 aux_per_source: Optional[Dict[str, dict]] = None,
                 alpha: float = 1.0,
                 T: float = 1.0,
                 probe_input_shape: Sequence[int] = (3, 64, 64),
                 aux_in_val_loss: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 **retired) -> None:
        refuse_retired_options(type(self).__name__, retired)
        if retired:  # raised here, so that the config checks read our keys
            raise TypeError(
                f'{type(self).__name__}.__init__() got an '
                f'unexpected keyword argument {next(iter(retired))!r}')
        require_non_negative('model.alpha', alpha)
        require_positive('model.T', T)
        super().__init__(target, data_preprocessor, init_cfg)
        self.alpha = alpha
        self.T = T
        self.aux_in_val_loss = aux_in_val_loss
        if not sources:
            raise ConfigError('SSKT needs at least one source in '
                              '`model.sources`; for a run without sources '
                              'use the plain target config.')
        unknown = set(aux_per_source or {}) - set(sources)
        if unknown:
            raise ConfigError(
                f'model.aux_per_source names {sorted(unknown)}, which are '
                f'not sources; the sources are {sorted(sources)}.')
        self.hold_frozen({
            name: self._build_source(cfg)
            for name, cfg in sources.items()
        })
        stage_channels = self._probe_stage_channels(probe_input_shape)
        self.aux_branches = nn.ModuleDict()
        self.aux_losses = nn.ModuleDict()
        for name, source in self.sources.items():
            branch_cfg = self._branch_config(aux, (aux_per_source
                                                   or {}).get(name))
            self.aux_branches[name] = self._build_branch(
                branch_cfg, stage_channels, source.num_classes)
            self.aux_losses[name] = self._build_loss(branch_cfg['loss'])

    # ------------------------------------------------------------ building
    def _build_source(self, cfg: dict) -> nn.Module:
        """Build a source and tell its adapter how the target normalises."""
        source = MODELS.build(cfg)
        share_target_normalization(source, self.data_preprocessor)
        return source

    @torch.no_grad()
    def _probe_stage_channels(self, shape: Sequence[int]) -> List[int]:
        """Widths of the backbone's stage outputs, from a dry forward."""
        backbone = self.target.backbone
        was_training = backbone.training
        backbone.eval()
        feats = backbone(torch.zeros(1, *shape))
        backbone.train(was_training)
        feats = feats if isinstance(feats, (tuple, list)) else (feats, )
        return [int(f.shape[1]) for f in feats]

    @staticmethod
    def _branch_config(aux: Optional[dict],
                       override: Optional[dict]) -> Dict[str, dict]:
        """``DEFAULT_AUX`` updated by ``aux`` and then by ``override``."""
        merged = copy.deepcopy(DEFAULT_AUX)
        for layer in (aux or {}, override or {}):
            unknown = set(layer) - set(DEFAULT_AUX)
            if unknown:
                raise ConfigError(
                    f'model.aux keys must be {sorted(DEFAULT_AUX)}; got '
                    f'{sorted(unknown)}.')
            merged.update(copy.deepcopy(layer))
        return merged

    @staticmethod
    def _build_branch(cfg: Dict[str, dict], stage_channels: List[int],
                      num_classes: int) -> nn.Sequential:
        """The neck (over all stages) and the linear head of one source."""
        neck_cfg = dict(cfg['neck'])
        neck_cfg.setdefault('in_channels', stage_channels)
        neck = MODELS.build(neck_cfg)
        head_cfg = dict(cfg['head'])
        head_cfg.setdefault('in_channels', neck.out_channels)
        head_cfg.setdefault('num_classes', num_classes)
        return nn.Sequential(neck, MODELS.build(head_cfg))

    def _build_loss(self, cfg: dict) -> nn.Module:
        """The aux loss; one that takes ``T`` gets ours unless it sets one."""
        return build_tempered_loss(cfg, self.T, 'model.aux.loss')

    @property
    def sources(self) -> Mapping[str, nn.Module]:
        """The frozen sources by name (not submodules: see the class doc)."""
        return self.frozen_models

    # ------------------------------------------------------------ forward
    def loss(
        self,
        inputs: torch.Tensor,
        data_samples: list,
        source_logits: Optional[Dict[str, torch.Tensor]] = None
    ) -> Dict[str, torch.Tensor]:
        """The target loss and one weighted auxiliary loss per source.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            data_samples (list): The batch's data samples.
            source_logits (dict[str, Tensor], optional): Each source's
                logits on this batch when they are known already (a cache
                gives them); by default the sources run
                (:meth:`source_logits`).

        Returns:
            dict[str, Tensor]: ``loss_cls``, ``loss_aux_<source>`` (already
            multiplied by ``alpha``) and whatever else the target head logs.
        """
        target = self.target_interface
        feats = target.stage_features(inputs)
        losses = target.loss(target.logits(feats), data_samples)
        if source_logits is None:
            source_logits = self.source_logits(inputs)
        losses.update(self.weighted_aux_losses(feats.stages, source_logits))
        return losses

    def source_logits(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Every source's logits on the batch (clips folded into it)."""
        frames = self.target_interface.source_inputs(inputs)
        return {name: source(frames) for name, source in self.sources.items()}

    def weighted_aux_losses(
            self, stages: Sequence[torch.Tensor],
            source_logits: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``alpha`` times each branch's loss against its source's logits.

        Args:
            stages (Sequence[Tensor]): The target backbone's stage outputs.
            source_logits (dict[str, Tensor]): Each source's logits.

        Returns:
            dict[str, Tensor]: ``loss_aux_<source>`` for every source.
        """
        losses = {}
        for name, teacher_logits in source_logits.items():
            student_logits = self.aux_branches[name](stages)
            losses[f'loss_aux_{name}'] = self.alpha * self.aux_losses[name](
                student_logits, teacher_logits)
        return losses

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None) -> list:
        """Predict with the target; optionally note the auxiliary loss.

        With ``aux_in_val_loss`` each prediction also carries the batch's
        weighted auxiliary loss as ``aux_loss``, which the :class:`ValLoss`
        metric adds (the original 3D code's validation loss).
        """
        predictions = super().predict(inputs, data_samples)
        if self.aux_in_val_loss:
            stages = self.target_interface.stage_features(inputs).stages
            aux = float(
                sum(
                    self.weighted_aux_losses(
                        stages, self.source_logits(inputs)).values()))
            for prediction in predictions:
                prediction.set_field(aux, 'aux_loss', field_type='metainfo')
        return predictions
