"""Save and restore the random number generators with each checkpoint."""
import random
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook

from sskt.registry import HOOKS

RNGState = Dict[str, Any]


def capture_rng_state() -> RNGState:
    """Read the python, numpy, torch (and CUDA) generator states.

    The numpy state is stored as a tensor, so the checkpoint stays loadable
    with ``torch.load(weights_only=True)`` and its allow-list.

    Returns:
        dict: A picklable snapshot for :func:`restore_rng_state`.
    """
    numpy_state = np.random.get_state(legacy=False)
    state = dict(
        python=random.getstate(),
        numpy=dict(
            key=torch.from_numpy(numpy_state['state']['key'].astype(np.int64)),
            pos=int(numpy_state['state']['pos']),
            has_gauss=int(numpy_state['has_gauss']),
            gauss=float(numpy_state['gauss'])),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: RNGState) -> None:
    """Set the generators to a snapshot of :func:`capture_rng_state`.

    Args:
        state (dict): The snapshot.
    """
    random.setstate(state['python'])
    numpy_state = state['numpy']
    np.random.set_state(
        dict(
            bit_generator='MT19937',
            state=dict(
                key=numpy_state['key'].numpy().astype(np.uint32),
                pos=numpy_state['pos']),
            has_gauss=numpy_state['has_gauss'],
            gauss=numpy_state['gauss']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Make a resumed run draw the same random numbers as an uninterrupted one.

    mmengine 0.10.7 saves no generator state, so data augmentation after a
    resume differs from the run that was interrupted. At the end of each
    training epoch this hook gathers every rank's generator states; the
    checkpoint of that epoch stores them (``checkpoint['rng_state']``, a list
    indexed by rank) and the next epoch starts from them — in the
    uninterrupted run as well, so validation between two epochs does not
    change the training stream. On resume each rank restores its own state
    before the first resumed epoch. Loading a checkpoint with ``load_from``
    (no resume) leaves the generators alone.

    A checkpoint written in the middle of an epoch (iteration-based training)
    holds the states of rank 0 only: only rank 0 saves, so the other ranks'
    states cannot be gathered there.

    Args:
        priority (str | int): Runs before the ``CheckpointHook`` so that the
            states exist when the checkpoint is written.
    """

    def __init__(self, priority: str = 'VERY_HIGH') -> None:
        self.priority = priority
        self._states: Optional[List[RNGState]] = None  # one per rank
        self._states_iter: Optional[int] = None
        self._loaded: Optional[List[RNGState]] = None

    def after_train_epoch(self, runner) -> None:
        """Gather the states the checkpoint of this epoch will hold."""
        self._states = all_gather_object(capture_rng_state())
        self._states_iter = runner.iter

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Store the states in the checkpoint (called on rank 0 only)."""
        if self._states is not None and self._states_iter == runner.iter:
            checkpoint['rng_state'] = self._states
        else:  # saved in the middle of an epoch (iteration-based training)
            checkpoint['rng_state'] = [capture_rng_state()]

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep the saved states until we know the load is a resume."""
        self._loaded = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        """On resume (training starts past iteration 0), adopt saved states."""
        if self._loaded is None or runner.iter == 0:
            return
        if len(self._loaded) != get_world_size():
            runner.logger.warning(
                f'The checkpoint holds random states of {len(self._loaded)} '
                f'rank(s) but this run has {get_world_size()}; every rank '
                'uses the state of rank 0, so augmentation differs from the '
                'interrupted run.')
            self._states = [self._loaded[0]] * get_world_size()
        else:
            self._states = self._loaded
        self._states_iter = runner.iter
        self._loaded = None

    def before_train_epoch(self, runner) -> None:
        """Continue from this rank's state at the end of the last epoch."""
        if self._states is not None:
            restore_rng_state(self._states[get_rank()])
