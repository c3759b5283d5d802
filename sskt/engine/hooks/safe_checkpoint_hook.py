"""mmengine's CheckpointHook made safe to kill at any moment."""
import glob
import os
import os.path as osp
from typing import Dict, List, Optional

import torch
from mmengine.dist import get_rank, get_world_size, is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop

from sskt.registry import HOOKS
from sskt.utils.errors import NonFiniteLossError
from ..atomic_local_backend import TEMP_SUFFIX, write_atomically
from .rng_state_hook import restore_rng_state


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """A ``CheckpointHook`` after which a kill costs at most the current epoch.

    It takes every argument of mmengine's ``CheckpointHook`` and changes four
    things:

    - **Atomic files.** Every checkpoint (``epoch_N.pth``, its re-save after
      a validation, ``best_*.pth``) and ``last_checkpoint`` is written to a
      temporary file, fsynced and renamed into place (the file backend
      ``'atomic_local'``, the default when ``out_dir`` is local and no
      ``backend_args`` are given).
    - **Order.** ``last_checkpoint`` is rewritten only after its checkpoint
      is in place; old files (``max_keep_ckpts`` rotation, the previous best)
      are removed only after the new one is in place. mmengine removes them
      first, so a kill in between leaves nothing to resume from.
    - **Validation is part of an epoch.** Each checkpoint's ``meta`` records
      ``val_pending``: whether a validation was due after its epoch (or
      iteration) and has not finished. The checkpoint is saved again once
      that validation ends (mmengine re-saves only after a new best). A run
      resumed from a checkpoint with ``val_pending=True`` first validates
      that epoch again, from the random state saved with it (see
      :class:`RNGStateHook`), so best checkpoints, plateau schedules and
      logged metrics equal those of an uninterrupted run.
    - **No non-finite checkpoint.** A checkpoint whose weights or buffers
      hold NaN or inf is never written (and so never rotates a good one
      out): training stops with a :class:`NonFiniteLossError` that names the
      last good checkpoint.

    Args:
        **kwargs: The arguments of mmengine's ``CheckpointHook``
            (``interval``, ``max_keep_ckpts``, ``save_best``, ...).
    """

    def __init__(self, **kwargs) -> None:
        local = '://' not in str(kwargs.get('out_dir') or '')
        if local and kwargs.get('backend_args') is None and kwargs.get(
                'file_client_args') is None:
            kwargs['backend_args'] = dict(backend='atomic_local')
        super().__init__(**kwargs)
        self._val_pending = False
        self._loaded_meta: Optional[dict] = None
        self._loaded_rng_state: Optional[List[dict]] = None
        self._finite_at_iter: Optional[int] = None

    # recording whether the validation of a checkpoint's epoch finished

    def after_train_epoch(self, runner) -> None:
        """Note whether a validation follows, then save as mmengine does."""
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            self._val_pending = self._validation_due(runner, runner.epoch + 1)
        super().after_train_epoch(runner)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        """Note whether a validation follows, then save as mmengine does."""
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            self._val_pending = self._validation_due(runner, runner.iter + 1)
        super().after_train_iter(runner, batch_idx, data_batch, outputs)

    @staticmethod
    def _validation_due(runner, step: int) -> bool:
        """Whether the train loop validates after epoch/iteration ``step``."""
        loop = runner.train_loop
        if runner.val_loop is None:
            return False
        last = loop.max_epochs if isinstance(
            loop, EpochBasedTrainLoop) else loop.max_iters
        return step >= loop.val_begin and (step % loop.val_interval == 0
                                           or step == last)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Record in the checkpoint whether its validation is still due."""
        checkpoint.setdefault('meta', {})['val_pending'] = self._val_pending

    def after_val_epoch(self, runner, metrics: Dict[str, float]) -> None:
        """Save a new best, then the epoch again, now marked as validated."""
        self._val_pending = False
        if not hasattr(self, 'file_backend'):  # runner.val(), no training
            return
        if not metrics:
            runner.logger.warning(
                'The validation returned no metrics, so no best checkpoint '
                'is saved for it.')
        best_updated = bool(metrics) and self._save_best_checkpoint(
            runner, metrics)
        step = runner.epoch if self.by_epoch else runner.iter
        if self.last_ckpt is not None and (best_updated or osp.basename(
                self.last_ckpt) == self.filename_tmpl.format(step)):
            self._save_checkpoint_with_step(
                runner, step, meta=dict(epoch=runner.epoch, iter=runner.iter))

    # replaying a validation that a kill interrupted

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Let the model upgrade a checkpoint of its former layout; keep
        what a resume needs to replay an unfinished validation."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        upgrade = getattr(model, 'upgrade_checkpoint', None)
        if callable(upgrade):
            upgrade(checkpoint)
        self._loaded_meta = checkpoint.get('meta', {})
        self._loaded_rng_state = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        """Set up as mmengine does; clean up and finish what a kill left."""
        super().before_train(runner)
        # mmengine forgets it on resume; the re-save after validation needs it
        self.last_ckpt = self.last_ckpt or runner.message_hub.get_info(
            'last_ckpt')
        if is_main_process():
            self._remove_temporary_files(runner)
        meta, self._loaded_meta = self._loaded_meta, None
        # past iteration 0 the load was a resume (load_from starts at 0)
        if (meta and meta.get('val_pending') and runner.iter > 0
                and runner.val_loop is not None):
            self._replay_validation(runner)

    def _remove_temporary_files(self, runner) -> None:
        """Remove half-written files a killed save left behind."""
        pattern = '*.pth' + TEMP_SUFFIX
        stale = glob.glob(osp.join(self.out_dir, pattern)) + glob.glob(
            osp.join(runner.work_dir, 'last_checkpoint' + TEMP_SUFFIX))
        for path in stale:
            runner.logger.info(f'Removing {path}, left by a killed save.')
            os.remove(path)

    def _replay_validation(self, runner) -> None:
        """Validate the resumed epoch again, from its saved random state."""
        where = (f'epoch {runner.epoch}'
                 if self.by_epoch else f'iteration {runner.iter}')
        runner.logger.info(
            f'The validation after {where} did not finish before the run '
            'stopped; validating again before training goes on.')
        states = self._loaded_rng_state
        if states:
            rank = get_rank() if len(states) == get_world_size() else 0
            restore_rng_state(states[rank])
        runner.val_loop.run()

    # saving

    def _save_checkpoint_with_step(self, runner, step: int,
                                   meta: dict) -> None:
        """Save ``epoch_N``/``iter_N``; repoint, then rotate, only after."""
        self._refuse_non_finite_weights(runner,
                                        self.filename_tmpl.format(step))
        stale_steps = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                stale_steps.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        write_atomically(
            str(self.last_ckpt).encode(),
            osp.join(runner.work_dir, 'last_checkpoint'))
        for stale in stale_steps:
            self._remove(
                self.file_backend.join_path(self.out_dir,
                                            self.filename_tmpl.format(stale)))

    def _save_best_checkpoint(self, runner, metrics: Dict[str, float]) -> bool:
        """Save a new best checkpoint, then remove the previous best.

        Args:
            runner (Runner): The runner.
            metrics (dict): The validation metrics.

        Returns:
            bool: Whether any key indicator reached a new best.
        """
        if not self.save_best:
            return False
        step = runner.epoch if self.by_epoch else runner.iter
        unit = 'epoch' if self.by_epoch else 'iter'
        ckpt_filename = self.filename_tmpl.format(step)
        if 'auto' in self.key_indicators:
            self._init_rule(self.rules, [list(metrics.keys())[0]])
        single = len(self.key_indicators) == 1
        updated = False
        for key_indicator, rule in zip(self.key_indicators, self.rules):
            suffix = '' if single else f'_{key_indicator}'
            score_key, path_key = f'best_score{suffix}', f'best_ckpt{suffix}'
            score = metrics[key_indicator]
            best = runner.message_hub.get_info(score_key,
                                               self.init_value_map[rule])
            if score is None or not self.is_better_than[key_indicator](score,
                                                                       best):
                continue
            updated = True
            runner.message_hub.update_info(score_key, score)
            old_path = (
                self.best_ckpt_path
                if single else self.best_ckpt_path_dict[key_indicator])
            name = f'best_{key_indicator}_{ckpt_filename}'.replace('/', '_')
            new_path = self.file_backend.join_path(self.out_dir, name)
            if single:
                self.best_ckpt_path = new_path
            else:
                self.best_ckpt_path_dict[key_indicator] = new_path
            runner.message_hub.update_info(path_key, new_path)
            self._refuse_non_finite_weights(runner, name)
            runner.save_checkpoint(
                self.out_dir,
                filename=name,
                file_client_args=self.file_client_args,
                save_optimizer=False,
                save_param_scheduler=False,
                meta=dict(epoch=runner.epoch, iter=runner.iter),
                by_epoch=False,
                backend_args=self.backend_args)
            runner.logger.info(
                f'The best checkpoint with {score:0.4f} {key_indicator} at '
                f'{step} {unit} is saved to {name}.')
            if old_path and old_path != new_path and is_main_process():
                if self._remove(old_path):
                    runner.logger.info(
                        f'The previous best checkpoint {old_path} is removed')
        return updated

    def _remove(self, path: str) -> bool:
        """Remove a checkpoint file or (deepspeed) folder if it exists."""
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
            return True
        if self.file_backend.isdir(path):
            self.file_backend.rmtree(path)
            return True
        return False

    def _refuse_non_finite_weights(self, runner, filename: str) -> None:
        """Stop before writing a checkpoint that holds NaN or inf.

        Args:
            runner (Runner): The runner.
            filename (str): The checkpoint about to be written.

        The weights are checked once per iteration: the save after an
        epoch, the best checkpoint and the re-save after its validation all
        hold the same weights.

        Raises:
            NonFiniteLossError: Some floating-point weight or buffer is not
                finite.
        """
        if self._finite_at_iter == runner.iter:
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        bad = non_finite_entries(model.state_dict())
        if not bad:
            self._finite_at_iter = runner.iter
            return
        last = runner.message_hub.get_info('last_ckpt')
        raise NonFiniteLossError(
            f'Training stopped before writing {filename}: '
            f'{len(bad)} weight(s) or buffer(s) of the model hold NaN or inf '
            f'(e.g. {", ".join(bad[:3])}), so training diverged. The last '
            f'good checkpoint is {last or "none (nothing was saved yet)"}. '
            'Try a lower optim_wrapper.optimizer.lr, training without --amp, '
            'or gradient clipping (optim_wrapper.clip_grad=dict(max_norm='
            '...)), then resume with --resume or start again.')


def non_finite_entries(state: Dict[str, torch.Tensor]) -> List[str]:
    """The names of the floating-point tensors holding NaN or inf.

    Args:
        state (dict[str, Tensor]): A state dict.

    Returns:
        list[str]: Names in ``state`` order; one host sync per device.
    """
    by_device: Dict[torch.device, List[str]] = {}
    for name, tensor in state.items():
        if torch.is_tensor(tensor) and tensor.is_floating_point():
            by_device.setdefault(tensor.device, []).append(name)
    bad = set()
    for names in by_device.values():
        finite = torch.stack([torch.isfinite(state[n]).all() for n in names])
        bad.update(n for n, ok in zip(names, finite.tolist()) if not ok)
    return [name for name in state if name in bad]
