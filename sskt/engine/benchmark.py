"""Measure training throughput through the real mmengine training loop.

:func:`benchmark_training` builds a Runner from a config exactly as
``tools/train.py`` does, switches validation and checkpoints off, runs
``warmup + iters`` iterations of the config's training step with every
hook, and times each iteration (:class:`ThroughputHook`). With
``synthetic=True`` the data loader is replaced by one batch that already sits
on the device (:class:`RepeatedBatchLoader`), which measures the model step
alone; :func:`loader_throughput` measures the real data loader alone.
:func:`original_style` rewrites a config into the original code's settings
(fp32, sources' BN in train mode, no compilation, contiguous tensors) for
``--compare original``.
"""
import copy
import statistics
import time
import uuid
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmpretrain.structures import DataSample

from sskt.utils.errors import ConfigError


@dataclass
class ThroughputResult:
    """What one benchmark measured.

    Attributes:
        images_per_second (float): Batch size over the median iteration
            time after the warm-up.
        median_iter_seconds (float): That median.
        iters (int): Timed iterations.
        batch_size (int): Images per iteration.
        peak_memory_mib (float, optional): Peak allocated GPU memory; None
            on the CPU.
        device (str): Where the model ran.
    """
    images_per_second: float
    median_iter_seconds: float
    iters: int
    batch_size: int
    peak_memory_mib: Optional[float]
    device: str


def synchronize() -> None:
    """Wait for queued GPU work (a no-op without CUDA)."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()


class ThroughputHook(Hook):
    """Record the wall time of every training iteration.

    The time of iteration ``i`` runs from the end of iteration ``i-1`` to
    the end of ``i`` (after a device synchronisation), so it includes the
    data loading, the step and every hook, as a real run pays them.

    Args:
        warmup (int): Leading iterations left out of :attr:`timed`.
    """
    priority = 'LOWEST'

    def __init__(self, warmup: int) -> None:
        self.warmup = warmup
        self.times: List[float] = []
        self._last: Optional[float] = None

    def before_train(self, runner) -> None:
        synchronize()
        self._last = time.perf_counter()

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        synchronize()
        now = time.perf_counter()
        self.times.append(now - self._last)
        self._last = now

    @property
    def timed(self) -> List[float]:
        """The iteration times after the warm-up."""
        return self.times[self.warmup:]


class RepeatedBatchLoader:
    """A stand-in data loader that yields one prepared batch ``length`` times.

    Args:
        batch (dict): A collated batch (``inputs``, ``data_samples``).
        length (int): Batches per pass.
        dataset (object, optional): Kept as ``.dataset`` (mmengine reads its
            ``metainfo``).
    """

    def __init__(self, batch: dict, length: int, dataset=None) -> None:
        self.batch = batch
        self.length = length
        self.dataset = dataset
        self.batch_size = len(batch['data_samples'])

    def __iter__(self) -> Iterator[dict]:
        for _ in range(self.length):
            yield self.batch

    def __len__(self) -> int:
        return self.length


#: The hooks of the GPU fast path (configs/_base_/fast/gpu_fast_path.py).
FAST_PATH_HOOKS = ('ChannelsLastHook', 'BatchedLogSyncHook',
                   'CompileTargetHook')


def is_fast_path_hook(hook: dict) -> bool:
    """Whether a ``custom_hooks`` entry is one of :data:`FAST_PATH_HOOKS`."""
    name = str(hook.get('type', ''))
    return name.split('.')[-1] in FAST_PATH_HOOKS


def original_style(cfg: Config) -> Config:
    """The config in the original code's settings, for ``--compare``.

    fp32 (a plain ``OptimWrapper``), every SSKT source with ``bn_mode='train'``
    and no autocast, no ``torch.compile``, none of the
    :data:`FAST_PATH_HOOKS` (channels-last, batched log syncs, target
    compilation), no soft-label cache (a plain ``SSKT``). The data path and
    everything else stay as configured.

    Args:
        cfg (Config): A training config.

    Returns:
        Config: A changed copy.
    """
    cfg = copy.deepcopy(cfg)
    cfg.pop('compile', None)
    wrapper = cfg.optim_wrapper
    if wrapper.get('type') == 'AmpOptimWrapper':
        for key in ('dtype', 'loss_scale'):
            wrapper.pop(key, None)
        wrapper['type'] = 'OptimWrapper'
    optimizer = wrapper.get('optimizer', {})
    for key in ('fused', 'foreach'):
        optimizer.pop(key, None)
    model = cfg.model
    for source in (model.get('sources') or {}).values():
        source['bn_mode'] = 'train'
        source['autocast_dtype'] = None
        source.pop('compile', None)
    if model.get('type') == 'SSKTWithSoftLabelCache':
        model['type'] = 'SSKT'
        model.pop('soft_label_cache', None)
    cfg.custom_hooks = [
        hook for hook in cfg.get('custom_hooks') or []
        if not is_fast_path_hook(hook)
    ]
    preprocessor = cfg.get('data_preprocessor') or {}
    if preprocessor.get('channels_last'):
        preprocessor['channels_last'] = False
    return cfg


def _quiet_iteration_config(cfg: Config, work_dir: str, iters: int,
                            batch_size: Optional[int]) -> Config:
    """The config for a benchmark: iteration-based, no val, no checkpoints."""
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'benchmark_{uuid.uuid4().hex[:8]}'
    cfg.log_level = 'ERROR'
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.param_scheduler = None
    hooks = cfg.get('default_hooks') or {}
    hooks['checkpoint'] = None
    hooks['logger'] = dict(type='LoggerHook', interval=max(iters, 1))
    cfg.default_hooks = hooks
    # the fast-path hooks are part of the step being measured
    cfg.custom_hooks = [
        hook for hook in cfg.get('custom_hooks') or []
        if is_fast_path_hook(hook)
    ]
    cfg.visualizer = dict(
        type='Visualizer', vis_backends=[dict(type='LocalVisBackend')])
    if batch_size is not None:
        cfg.train_dataloader.batch_size = batch_size
    return cfg


def _synthetic_batch(runner: Runner, batch_size: int, image_size: int) -> dict:
    """A uint8 batch of random images and labels, already on the device."""
    device = runner.model.data_preprocessor.device
    num_classes = runner.model.data_preprocessor.num_classes or 10
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(
        0,
        256, (batch_size, 3, image_size, image_size),
        dtype=torch.uint8,
        generator=generator)
    labels = torch.randint(0, num_classes, (batch_size, ), generator=generator)
    return dict(
        inputs=images.to(device),
        data_samples=[
            DataSample().set_gt_label(int(label)) for label in labels
        ])


def benchmark_training(cfg: Config,
                       work_dir: str,
                       iters: int = 50,
                       warmup: int = 10,
                       batch_size: Optional[int] = None,
                       synthetic: bool = False,
                       image_size: Optional[int] = None) -> ThroughputResult:
    """Time ``iters`` training iterations of ``cfg`` after ``warmup``.

    Args:
        cfg (Config): A training config (not changed).
        work_dir (str): Where the Runner writes its (short) log.
        iters (int): Timed iterations. Defaults to 50.
        warmup (int): Untimed leading iterations (compilation, cuDNN
            autotuning, allocator). Defaults to 10.
        batch_size (int, optional): Overrides the config's.
        synthetic (bool): Feed one device-resident uint8 batch instead of
            the data loader. Defaults to False.
        image_size (int, optional): Side of the synthetic images; required
            with ``synthetic``.

    Returns:
        ThroughputResult: The measurement.
    """
    if iters < 1 or warmup < 0:
        raise ConfigError(f'need iters >= 1 and warmup >= 0, got {iters} '
                          f'and {warmup}')
    if synthetic and not image_size:
        raise ConfigError('a synthetic benchmark needs the image size '
                          '(--image-size, e.g. 32 for CIFAR, 96 for STL-10)')
    cfg = _quiet_iteration_config(cfg, work_dir, warmup + iters, batch_size)
    runner = Runner.from_cfg(cfg)
    hook = ThroughputHook(warmup)
    runner.register_hook(hook)
    size = batch_size or cfg.train_dataloader.batch_size
    if synthetic:
        runner._train_dataloader = RepeatedBatchLoader(
            _synthetic_batch(runner, size, image_size), warmup + iters)
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    runner.train()
    median = statistics.median(hook.timed)
    peak = torch.cuda.max_memory_allocated() / 2**20 if cuda else None
    return ThroughputResult(
        images_per_second=size / median,
        median_iter_seconds=median,
        iters=len(hook.timed),
        batch_size=size,
        peak_memory_mib=peak,
        device=str(runner.model.data_preprocessor.device))


def loader_throughput(cfg: Config,
                      batches: int = 20,
                      warmup: int = 2,
                      batch_size: Optional[int] = None) -> float:
    """Images per second of the config's training data loader alone.

    Args:
        cfg (Config): A training config.
        batches (int): Timed batches. Defaults to 20.
        warmup (int): Untimed leading batches (worker start-up). Defaults
            to 2.
        batch_size (int, optional): Overrides the config's.

    Returns:
        float: Images per second over the timed batches.
    """
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    if batch_size is not None:
        loader_cfg.batch_size = batch_size
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        loader = Runner.build_dataloader(loader_cfg, seed=0)
    batches_of = _endless(loader)
    for _ in range(warmup):
        next(batches_of)
    start, images = time.perf_counter(), 0
    for _ in range(batches):
        images += len(next(batches_of)['data_samples'])
    return images / (time.perf_counter() - start)


def _endless(loader) -> Iterator[dict]:
    """The loader's batches, starting over at the end of each pass."""
    while True:
        yield from loader


def throughput_table(results: Dict[str, ThroughputResult],
                     loader_ips: Optional[float] = None) -> str:
    """A markdown table of the results (and the ratio to the first row)."""
    rows = [
        '| run | img/s | ×first | median iter (ms) | peak GPU MiB |',
        '|---|---|---|---|---|'
    ]
    first = next(iter(results.values())).images_per_second
    for name, result in results.items():
        peak = ('n/a' if result.peak_memory_mib is None else
                f'{result.peak_memory_mib:.0f}')
        rows.append(f'| {name} | {result.images_per_second:,.1f} | '
                    f'{result.images_per_second / first:.2f} | '
                    f'{result.median_iter_seconds * 1000:.1f} | {peak} |')
    if loader_ips is not None:
        rows.append(f'| data loader alone | {loader_ips:,.1f} | | | |')
    return '\n'.join(rows) + '\n'
