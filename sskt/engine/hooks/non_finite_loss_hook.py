"""Stop the run (or, opt-in, skip the batch) when a training loss is NaN.

mmengine 0.10.7 keeps training on a NaN loss: every later iteration logs
``nan``, the checkpoints fill with NaN weights and the run exits with status
0. :class:`NonFiniteLossHook` turns that into one paragraph and exit status 1,
raised before any later checkpoint is written.
"""
import math
from typing import Dict, List, Optional

import torch
import torch.distributed as torch_dist
from mmengine.dist import get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.runner import IterBasedTrainLoop

from sskt.registry import HOOKS
from sskt.utils.errors import ConfigError, NonFiniteLossError

#: The config key that switches the hook (``_base_/default_runtime.py``).
CONFIG_KEY = 'default_hooks.non_finite'
#: The message-hub scalar (and log field) that counts skipped batches.
SKIPPED_KEY = 'train/skipped_batches'


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training at the first NaN or infinite loss, or skip that batch.

    ``action='stop'`` (the default): after each training iteration the hook
    looks at every logged value whose name contains ``loss`` (the keys
    mmengine sums into the total). It reads the floats that mmengine's
    ``RuntimeInfoHook`` (priority ``VERY_HIGH``) has already put into the
    message hub, or the outputs themselves where they are already Python
    floats (:class:`BatchedLogSyncHook`), so it adds no ``.item()`` and no
    device sync. On a non-finite value it raises
    :class:`~sskt.utils.errors.NonFiniteLossError`: one paragraph with the
    iteration, the keys and values, the last good checkpoint and what to try.
    It runs before the ``LoggerHook`` and the ``CheckpointHook``, so nothing
    of the bad iteration is logged as progress or saved.

    ``action='skip'`` (opt-in): a batch whose loss is non-finite leaves the
    parameters, the optimizer state and the module buffers (batch-norm
    statistics) as they were before it; training goes on with the next
    batch. Each skip is logged as a warning and counted in the scalar
    ``train/skipped_batches`` (kept across a resume). Knowing before
    ``optimizer.step()`` needs the loss, so this mode reads the total loss of
    each update once (one device sync per update) and copies the buffers
    once per iteration (on the device). It intercepts ``update_params`` of
    the runner's optim wrapper, or of each wrapper of an ``OptimWrapperDict``
    (DML, MAXL), ``AmpOptimWrapper`` included: on a bad loss, backward still
    runs (DDP's reducer and ``GradAllReduceWrapper`` all-reduce inside it,
    so every rank must take part), then the gradients are zeroed and the
    step is skipped, and so is every later update of the same iteration.
    Updates an ``OptimWrapperDict`` made earlier in that iteration, before
    the bad loss, stay. Gradient accumulation (``accumulative_counts > 1``)
    is refused: a bad micro-batch would spoil the gradients already
    accumulated. A non-finite loss that did not go through ``update_params``
    still stops the run.

    Under a launcher the ranks agree on every decision, so they stop (or
    skip) at the same iteration with the same paragraph and no rank waits
    for another: each iteration (and, in skip mode, each update) every rank
    all-reduces one int per rank, a CPU tensor over gloo (the default group
    when the backend is gloo, else a gloo group made in ``before_train``).
    That is host-side, with no device sync; ranks already meet every
    iteration in the gradient all-reduce, so it adds one small round trip.
    Only when a value is bad do the ranks exchange their keys and values.

    Args:
        action (str): ``'stop'`` or ``'skip'``. Defaults to ``'stop'``.
        priority (str | int): Must be lower than ``RuntimeInfoHook``'s
            (``VERY_HIGH``) and higher than the ``LoggerHook``'s and the
            ``CheckpointHook``'s. Defaults to ``'HIGH'``.
    """

    def __init__(self, action: str = 'stop', priority: str = 'HIGH') -> None:
        if action not in ('stop', 'skip'):
            raise ConfigError(f"{CONFIG_KEY}.action must be 'stop' or 'skip'; "
                              f'got {action!r}.')
        self.action = action
        self.priority = priority
        self.skipped = 0
        self._group = None
        self._wrappers: Dict[str, OptimWrapper] = {}
        self._bad_update: Optional[str] = None  # set once the batch is bad
        self._buffers: List[tuple] = []

    # ------------------------------------------------------------- hooks
    def before_train(self, runner) -> None:
        """Make the agreement group; in skip mode, guard the optim wrappers."""
        self._group = _agreement_group()
        if self.action != 'skip':
            return
        self._wrappers = _single_step_wrappers(runner.optim_wrapper)
        for name, wrapper in self._wrappers.items():
            wrapper.update_params = self._guarded(name, wrapper)
        if SKIPPED_KEY in runner.message_hub.log_scalars:  # resumed
            self.skipped = int(
                runner.message_hub.get_scalar(SKIPPED_KEY).current())

    def after_train(self, runner) -> None:
        """Give the optim wrappers their own ``update_params`` back."""
        for wrapper in self._wrappers.values():
            vars(wrapper).pop('update_params', None)
        self._wrappers = {}

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        """In skip mode, keep the buffers a skipped batch must not change."""
        if self.action == 'skip':
            self._bad_update = None
            self._buffers = [(buffer, buffer.detach().clone())
                             for buffer in runner.model.buffers()]

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Stop on a non-finite loss; in skip mode, report a skipped batch."""
        if self._bad_update is not None:
            self._report_skip(runner, batch_idx, outputs or {})
            return
        bad = _non_finite_losses(runner, outputs or {})
        if _ranks_with(bool(bad), self._group):
            raise NonFiniteLossError(
                self._stop_message(runner, batch_idx, self._describe(bad)))
        if self.action == 'skip':
            runner.message_hub.update_scalar(SKIPPED_KEY, self.skipped)

    # ---------------------------------------------------------- skipping
    def _guarded(self, name: str, wrapper: OptimWrapper):
        """``wrapper.update_params`` that skips the step on a bad loss."""
        update_params = wrapper.update_params

        def guarded_update_params(loss: torch.Tensor,
                                  step_kwargs: Optional[dict] = None,
                                  zero_kwargs: Optional[dict] = None) -> None:
            if self._bad_update is None:
                finite = bool(torch.isfinite(loss.detach()).all())  # a sync
                if _ranks_with(not finite, self._group):
                    self._bad_update = name
            if self._bad_update is None:
                return update_params(loss, step_kwargs, zero_kwargs)
            # every rank takes part in backward's all-reduce, then drops it
            wrapper.backward(wrapper.scale_loss(loss))
            wrapper.zero_grad(**(zero_kwargs or {}))

        return guarded_update_params

    def _report_skip(self, runner, batch_idx: int, outputs: dict) -> None:
        """Undo the batch's buffer updates, count, warn, clean the log."""
        for buffer, saved in self._buffers:
            buffer.copy_(saved)
        self.skipped += 1
        details = self._describe(_non_finite_losses(runner, outputs))
        hub = runner.message_hub
        for key in outputs:  # keep the bad values out of the smoothed log
            _drop_last(hub.log_scalars, f'train/{key}')
        hub.update_scalar(SKIPPED_KEY, self.skipped)
        update = f" (optim wrapper '{self._bad_update}')" \
            if self._bad_update else ''
        runner.logger.warning(
            f'Skipped {_where(runner, batch_idx)}: the loss went non-finite '
            f'({details}){update}, so this batch left the weights, the '
            'optimizer state and the buffers as they were; '
            f'{self.skipped} batch(es) skipped so far ({SKIPPED_KEY}).')

    # --------------------------------------------------------- messages
    def _describe(self, bad: Dict[str, float]) -> str:
        """``key=value`` of every bad value; under a launcher, per rank."""
        items = ', '.join(f'{key}={value}' for key, value in bad.items())
        if self._group is not None:
            gathered: List[str] = [''] * get_world_size()
            torch_dist.all_gather_object(gathered, items, group=self._group)
            items = '; '.join(f'rank {rank}: {text}'
                              for rank, text in enumerate(gathered) if text)
        return items or 'in an update; the logged losses are finite'

    def _stop_message(self, runner, batch_idx: int, details: str) -> str:
        """The paragraph of :class:`NonFiniteLossError`."""
        last = runner.message_hub.get_info('last_ckpt')
        checkpoint = (f'The last good checkpoint is {last} (continue from it '
                      f'with --resume {last}).'
                      if last else 'No checkpoint has been written yet.')
        unguarded = (
            f' ({CONFIG_KEY}.action is skip, but this loss did not go '
            'through optim_wrapper.update_params, so the batch could not be '
            'skipped.)' if self.action == 'skip' else '')
        return (
            f'Training stopped at {_where(runner, batch_idx)}: the loss '
            f'went non-finite ({details}).{unguarded} No checkpoint was '
            f'written from this iteration on. {checkpoint} To try: a lower '
            'optim_wrapper.optimizer.lr, training without --amp, '
            'gradient clipping (--cfg-options '
            'optim_wrapper.clip_grad.max_norm=1.0), or skipping such '
            f'batches (--cfg-options {CONFIG_KEY}.action=skip).')


def _agreement_group():
    """The gloo group the ranks agree in; None without a launcher."""
    if get_world_size() == 1:
        return None
    if torch_dist.get_backend() == 'gloo':
        return torch_dist.group.WORLD
    return torch_dist.new_group(backend='gloo')


def _ranks_with(flag: bool, group) -> List[int]:
    """The ranks whose ``flag`` is set, the same list on every rank.

    Args:
        flag (bool): This rank's flag.
        group (ProcessGroup, optional): A gloo group; None for one process.

    Returns:
        list[int]: Those ranks (``[0]`` or ``[]`` for one process).
    """
    if group is None:
        return [0] if flag else []
    flags = torch.zeros(get_world_size(), dtype=torch.int32)
    flags[get_rank()] = int(flag)
    torch_dist.all_reduce(flags, group=group)
    return flags.nonzero().flatten().tolist()


def _non_finite_losses(runner, outputs: dict) -> Dict[str, float]:
    """The non-finite ``*loss*`` values of this iteration, read without sync.

    A Python number is taken as it is; a tensor is read from the message
    hub, where ``RuntimeInfoHook`` put its ``.item()`` this iteration.
    """
    bad = {}
    for key, value in outputs.items():
        if 'loss' not in key:
            continue
        if not isinstance(value, (int, float)):
            value = runner.message_hub.get_scalar(f'train/{key}').current()
        if not math.isfinite(value):
            bad[key] = value
    return bad


def _single_step_wrappers(optim_wrapper) -> Dict[str, OptimWrapper]:
    """The wrappers skip mode guards, by name; refuse what it cannot skip."""
    wrappers = {'': optim_wrapper}
    if isinstance(optim_wrapper, OptimWrapperDict):
        wrappers = dict(optim_wrapper.items())
    for name, wrapper in wrappers.items():
        key = f'optim_wrapper.{name}' if name else 'optim_wrapper'
        if not isinstance(wrapper, OptimWrapper):
            raise ConfigError(
                f"{CONFIG_KEY}.action='skip' needs mmengine OptimWrappers; "
                f'{key} is a {type(wrapper).__name__}. Use '
                f"{CONFIG_KEY}.action='stop'.")
        counts = getattr(wrapper, '_accumulative_counts', 1)
        if counts != 1:
            raise ConfigError(
                f"{CONFIG_KEY}.action='skip' cannot be combined with "
                f'{key}.accumulative_counts={counts}: a non-finite '
                'micro-batch would spoil the gradients already accumulated. '
                f"Drop accumulative_counts or use {CONFIG_KEY}.action='stop'.")
    return wrappers


def _drop_last(scalars: dict, key: str) -> None:
    """Remove the latest value of a message-hub scalar (all of it if one)."""
    buffer = scalars.get(key)
    if buffer is None:
        return
    values, counts = buffer.data
    if len(values) <= 1:
        del scalars[key]
    else:
        scalars[key] = HistoryBuffer(values[:-1], counts[:-1],
                                     buffer.max_length)


def _where(runner, batch_idx: int) -> str:
    """``iteration N (epoch E, batch B)``, 1-based as in the log."""
    where = f'iteration {runner.iter + 1}'
    if isinstance(getattr(runner, 'train_loop', None), IterBasedTrainLoop):
        return where
    return f'{where} (epoch {runner.epoch + 1}, batch {batch_idx + 1})'
