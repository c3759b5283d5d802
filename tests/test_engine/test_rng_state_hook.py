import random
from types import SimpleNamespace

import numpy as np
import torch

from sskt.engine.hooks.rng_state_hook import (RNGStateHook, capture_rng_state,
                                              restore_rng_state)


def _draw():
    return (random.random(), np.random.rand(), np.random.randn(),
            torch.rand(2).tolist())


def _runner(iteration):
    logger = SimpleNamespace(warning=lambda message: None)
    return SimpleNamespace(iter=iteration, logger=logger)


def test_capture_and_restore_round_trip():
    np.random.randn()  # leaves a cached gaussian in the numpy state
    state = capture_rng_state()
    first = _draw()
    restore_rng_state(state)
    assert _draw() == first


def test_state_survives_a_weights_only_checkpoint(tmp_path):
    state = capture_rng_state()
    first = _draw()
    torch.save({'rng_state': [state]}, tmp_path / 'rng.pth')
    loaded = torch.load(tmp_path / 'rng.pth', weights_only=True)
    restore_rng_state(loaded['rng_state'][0])
    assert _draw() == first


def test_hook_replays_the_end_of_epoch_state():
    hook = RNGStateHook()
    hook.after_train_epoch(_runner(10))
    expected = _draw()
    checkpoint = {}
    hook.before_save_checkpoint(_runner(10), checkpoint)
    _draw()  # validation between epochs draws numbers too
    hook.before_train_epoch(_runner(10))
    assert _draw() == expected

    # a new process resumes from the checkpoint
    resumed = RNGStateHook()
    resumed.after_load_checkpoint(_runner(10), checkpoint)
    resumed.before_train(_runner(10))
    _draw()
    resumed.before_train_epoch(_runner(10))
    assert _draw() == expected


def test_load_from_without_resume_leaves_generators_alone():
    hook = RNGStateHook()
    hook.after_train_epoch(_runner(10))
    checkpoint = {}
    hook.before_save_checkpoint(_runner(10), checkpoint)
    saved_next = _draw()

    fresh = RNGStateHook()
    fresh.after_load_checkpoint(_runner(0), checkpoint)
    fresh.before_train(_runner(0))  # iteration 0: a load_from, not a resume
    fresh.before_train_epoch(_runner(0))
    assert _draw() != saved_next
