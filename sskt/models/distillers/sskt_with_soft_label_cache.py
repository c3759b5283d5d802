"""SSKT that replays cached crops and soft labels instead of the sources.

The opt-in approximation of :mod:`.soft_label_cache` as its own distiller,
so that :class:`SSKT` holds the method only: a config switches it on with
``model = dict(type='SSKTWithSoftLabelCache', soft_label_cache=dict(...))``.
It is a subclass, not a hook or a wrapper, because the cache decides two
things inside a training step: which crop and flip the preprocessor applies
(a replayed sample gets its cached ones, before the batch exists) and which
samples the sources run on. Everything else is SSKT's: this class only
hands :meth:`SSKT.loss` the sources' logits it assembled.
"""
from typing import Dict, Optional, Tuple, Union

import torch

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from ..data_preprocessors import (BatchAugmentClsDataPreprocessor,
                                  draw_augmentation)
from .soft_label_cache import SoftLabelCache
from .sskt import SSKT


@MODELS.register_module()
class SSKTWithSoftLabelCache(SSKT):
    """:class:`SSKT` with the sources' soft labels cached per sample.

    Samples whose cache slot is filled get that slot's crop and flip and its
    soft labels; the others get fresh random ones, and the sources run on
    them and fill the slot. Validation and prediction are SSKT's. The cache
    lives on the device, is not saved in checkpoints and refills after a
    resume.

    Args:
        soft_label_cache (dict): ``num_samples`` (the training set's size,
            required), ``k`` (classes kept per soft label, default 10) and
            ``slots`` (cached augmentations per sample, default 4).
        **kwargs: :class:`SSKT` arguments. The data preprocessor must be a
            ``BatchAugmentClsDataPreprocessor`` (it replays the crops).
    """

    def __init__(self, soft_label_cache: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.soft_label_cache_cfg = self._check_cache_config(soft_label_cache)
        self._soft_label_cache: Optional[SoftLabelCache] = None

    def _check_cache_config(self, cfg: Optional[dict]) -> dict:
        """Validate ``soft_label_cache`` against the data preprocessor."""
        cfg = dict(cfg or {})
        unknown = set(cfg) - {'num_samples', 'k', 'slots'}
        if cfg.get('num_samples') is None or unknown:
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

    def cache(self, device: torch.device) -> SoftLabelCache:
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

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper) -> Dict[str, torch.Tensor]:
        """mmengine's training step, with cached soft labels where there are.

        Args:
            data (dict): A batch from the dataloader; every data sample
                carries ``sample_idx`` in its metainfo.
            optim_wrapper (OptimWrapper): The optimizer wrapper.

        Returns:
            dict[str, Tensor]: The log variables (``loss`` first).
        """
        with optim_wrapper.optim_context(self):
            indices = self._sample_indices(data['data_samples'])
            cache = self.cache(indices.device)
            replay, slot = cache.lookup(indices)
            offsets, flips = self._augmentation(cache, indices, replay, slot)
            data = self.data_preprocessor(data, True, (offsets, flips))
            inputs, samples = data['inputs'], data['data_samples']
            fresh = ~replay
            computed = self.source_logits(inputs[fresh]) if bool(
                fresh.any()) else {}
            if computed:
                cache.store(indices[fresh], slot[fresh], offsets[fresh],
                            flips[fresh], computed)
            logits = {}
            for name, source in self.sources.items():
                logits[name] = inputs.new_empty(
                    len(samples), source.num_classes)
                if computed:
                    logits[name][fresh] = computed[name]
                logits[name][replay] = cache.soft_labels(
                    name, indices[replay], slot[replay])
            cache.visited(indices)
            losses = self.loss(inputs, samples, logits)
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        return log_vars

    def _sample_indices(self, samples: list) -> torch.Tensor:
        """The batch's ``sample_idx``, checked against ``num_samples``."""
        indices = torch.tensor([s.metainfo['sample_idx'] for s in samples],
                               device=self.data_preprocessor.device)
        limit = self.soft_label_cache_cfg['num_samples']
        if int(indices.max()) >= limit:
            raise ConfigError(
                f'a sample index ({int(indices.max())}) is beyond '
                f'model.soft_label_cache.num_samples={limit}; set it to the '
                'size of the training set.')
        return indices

    def _augmentation(self, cache: SoftLabelCache, indices: torch.Tensor,
                      replay: torch.Tensor,
                      slot: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Fresh random crops and flips, ``cache``'s where replayed."""
        preprocessor = self.data_preprocessor
        offsets, flips = draw_augmentation(
            len(indices), preprocessor.padding, preprocessor.flip_prob,
            indices.device)
        offsets[replay], flips[replay] = cache.augmentation(
            indices[replay], slot[replay])
        return offsets, flips
