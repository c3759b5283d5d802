"""SSKT: a target taught by frozen sources through auxiliary branches."""
import copy
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional, Sequence, Union

import torch
import torch.nn as nn

from sskt.registry import MODELS
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError
from ..data_preprocessors import (BatchAugmentClsDataPreprocessor,
                                  draw_augmentation)
from .base_distiller import BaseDistiller
from .soft_label_cache import SoftLabelCache
from .target_utils import (build_tempered_loss, frames_for_sources,
                           share_target_normalization, target_head_loss,
                           target_stage_features)

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
        channels_last (bool): Keep the target, the branches, the sources
            and 4D input batches in channels-last memory format (faster
            convolutions on tensor-core GPUs). Defaults to False.
        compile_target (bool | dict): ``torch.compile`` the target backbone
            in place; a dict gives compile options. Defaults to False.
            (Sources compile through their own ``compile`` option.)
        batched_log_sync (bool): Return the logged losses as Python floats
            read in one device-to-host copy, instead of leaving mmengine's
            hooks to call ``.item()`` on each (one GPU sync per loss per
            iteration). Defaults to False.
        soft_label_cache (dict, optional): Opt-in, an approximation: cache
            each sample's augmentation and the sources' top-``k`` soft
            labels, and replay them instead of running the sources (see
            :mod:`.soft_label_cache`). Keys: ``num_samples`` (the training
            set's size, required), ``k`` (default 10), ``slots`` (cached
            augmentations per sample, default 4). Needs the
            ``BatchAugmentClsDataPreprocessor`` (it replays the crops). The
            cache lives on the device, is not saved in checkpoints and
            refills after a resume. Defaults to None.
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
                 channels_last: bool = False,
                 compile_target: Union[bool, dict] = False,
                 batched_log_sync: bool = False,
                 soft_label_cache: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        require_non_negative('model.alpha', alpha)
        require_positive('model.T', T)
        super().__init__(target, data_preprocessor, init_cfg)
        self.alpha = alpha
        self.T = T
        self.aux_in_val_loss = aux_in_val_loss
        self.channels_last = channels_last
        self.batched_log_sync = batched_log_sync
        self.soft_label_cache_cfg = self._check_cache_config(soft_label_cache)
        self._soft_label_cache: Optional[SoftLabelCache] = None
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
        if channels_last:
            self.to(memory_format=torch.channels_last)
        if compile_target:
            self.target.backbone.compile(
                **(compile_target if isinstance(compile_target, dict) else {}))

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

    def _check_cache_config(self, cfg: Optional[dict]) -> Optional[dict]:
        """Validate ``soft_label_cache`` against the data preprocessor."""
        if cfg is None:
            return None
        cfg = dict(cfg)
        unknown = set(cfg) - {'num_samples', 'k', 'slots'}
        if 'num_samples' not in cfg or unknown:
            raise ConfigError(
                'model.soft_label_cache takes num_samples (the training set '
                f'size, required), k and slots; got {sorted(cfg)}.')
        if not isinstance(self.data_preprocessor,
                          BatchAugmentClsDataPreprocessor):
            raise ConfigError(
                'model.soft_label_cache replays each cached crop, so it '
                'needs data_preprocessor=dict(type=\'sskt.BatchAugmentClsData'
                "Preprocessor') and a train pipeline of PackInputs only "
                '(configs/_base_/fast/gpu_fast_path.py); got '
                f'{type(self.data_preprocessor).__name__}.')
        return cfg

    @property
    def sources(self) -> Mapping[str, nn.Module]:
        """The frozen sources by name (not submodules: see the class doc)."""
        return self.frozen_models

    # ------------------------------------------------------------ forward
    def loss(self, inputs: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        """The target loss and one weighted auxiliary loss per source.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            data_samples (list): The batch's data samples.

        Returns:
            dict[str, Tensor]: ``loss_cls``, ``loss_aux_<source>`` (already
            multiplied by ``alpha``) and whatever else the target head logs.
        """
        inputs = self._memory_format(inputs)
        stage_feats, head_kwargs = target_stage_features(self.target, inputs)
        losses = target_head_loss(self.target, stage_feats, data_samples,
                                  head_kwargs)
        losses.update(self._aux_losses(stage_feats, inputs))
        return losses

    def _memory_format(self, inputs: torch.Tensor) -> torch.Tensor:
        """Channels-last for a 4D batch when ``channels_last``, else as is."""
        if self.channels_last and inputs.dim() == 4:
            return inputs.contiguous(memory_format=torch.channels_last)
        return inputs

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper) -> Dict[str, Union[torch.Tensor, float]]:
        """mmengine's training step; with ``batched_log_sync`` the logged
        values come back as floats from a single device-to-host copy.

        Args:
            data (dict | tuple | list): A batch from the dataloader.
            optim_wrapper (OptimWrapper): The optimizer wrapper.

        Returns:
            dict: The log variables (``loss`` first).
        """
        if self.soft_label_cache_cfg is None:
            log_vars = super().train_step(data, optim_wrapper)
        else:
            with optim_wrapper.optim_context(self):
                losses = self._loss_with_cache(data)
            loss, log_vars = self.parse_losses(losses)
            optim_wrapper.update_params(loss)
        if not self.batched_log_sync:
            return log_vars
        values = torch.stack([
            value.detach().float().reshape(()) for value in log_vars.values()
        ]).tolist()
        return OrderedDict(zip(log_vars, values))

    def _aux_losses(self, stage_feats: Sequence[torch.Tensor],
                    inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_aux_<source>`` (times ``alpha``) for every source."""
        frames = frames_for_sources(inputs)
        return self._weighted_aux_losses(stage_feats, {
            name: source(frames)
            for name, source in self.sources.items()
        })

    def _weighted_aux_losses(
            self, stage_feats: Sequence[torch.Tensor],
            source_logits: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``alpha`` times each branch's loss against its source's logits."""
        losses = {}
        for name, teacher_logits in source_logits.items():
            student_logits = self.aux_branches[name](stage_feats)
            losses[f'loss_aux_{name}'] = self.alpha * self.aux_losses[name](
                student_logits, teacher_logits)
        return losses

    # ---------------------------------------------------- soft-label cache
    def _cache(self, device: torch.device) -> SoftLabelCache:
        """The soft-label cache, made on first use on ``device``."""
        if self._soft_label_cache is None:
            cfg = self.soft_label_cache_cfg
            self._soft_label_cache = SoftLabelCache(
                cfg['num_samples'], {
                    name: s.num_classes
                    for name, s in self.sources.items()
                },
                k=cfg.get('k', 10),
                slots=cfg.get('slots', 4),
                device=device)
        return self._soft_label_cache

    def _loss_with_cache(self, data: dict) -> Dict[str, torch.Tensor]:
        """The training losses, with cached soft labels where there are.

        Samples whose cache slot is filled get that slot's crop and flip
        and its soft labels; the others get fresh random ones, and the
        sources run on them and fill the slot.
        """
        preprocessor = self.data_preprocessor
        device = preprocessor.device
        samples = data['data_samples']
        indices = torch.tensor([s.metainfo['sample_idx'] for s in samples],
                               device=device)
        cache = self._cache(device)
        if int(indices.max()) >= cache.num_samples:
            raise ConfigError(
                f'a sample index ({int(indices.max())}) is beyond '
                f'model.soft_label_cache.num_samples={cache.num_samples}; '
                'set it to the size of the training set.')
        replay, slot = cache.lookup(indices)
        offsets, flips = draw_augmentation(
            len(samples), preprocessor.padding, preprocessor.flip_prob, device)
        offsets[replay], flips[replay] = cache.augmentation(
            indices[replay], slot[replay])
        data = preprocessor(data, True, (offsets, flips))
        inputs = self._memory_format(data['inputs'])
        stage_feats, head_kwargs = target_stage_features(self.target, inputs)
        losses = target_head_loss(self.target, stage_feats,
                                  data['data_samples'], head_kwargs)
        fresh = ~replay
        frames = frames_for_sources(inputs)[fresh]
        computed = {
            name: source(frames)
            for name, source in self.sources.items()
        } if bool(fresh.any()) else {}
        if computed:
            cache.store(indices[fresh], slot[fresh], offsets[fresh],
                        flips[fresh], computed)
        source_logits = {}
        for name, source in self.sources.items():
            logits = inputs.new_empty(len(samples), source.num_classes)
            if computed:
                logits[fresh] = computed[name]
            logits[replay] = cache.soft_labels(name, indices[replay],
                                               slot[replay])
            source_logits[name] = logits
        cache.visited(indices)
        losses.update(self._weighted_aux_losses(stage_feats, source_logits))
        return losses

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None) -> list:
        """Predict with the target; optionally note the auxiliary loss.

        With ``aux_in_val_loss`` each prediction also carries the batch's
        weighted auxiliary loss as ``aux_loss``, which the :class:`ValLoss`
        metric adds (the original 3D code's validation loss).
        """
        inputs = self._memory_format(inputs)
        predictions = super().predict(inputs, data_samples)
        if self.aux_in_val_loss:
            stage_feats, _ = target_stage_features(self.target, inputs)
            aux = float(sum(self._aux_losses(stage_feats, inputs).values()))
            for prediction in predictions:
                prediction.set_field(aux, 'aux_loss', field_type='metainfo')
        return predictions
