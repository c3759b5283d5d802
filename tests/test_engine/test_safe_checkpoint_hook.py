"""SafeCheckpointHook: atomic files, validation records, finite weights.

The kills and resumes are in ``test_kill_resume.py``; these are the pieces.
"""
import os

import pytest
import torch
from mmengine.runner import Runner

import tests.test_engine.non_finite_injection  # noqa: F401 (test hooks)
from sskt.engine.atomic_local_backend import TEMP_SUFFIX, write_atomically
from sskt.engine.hooks.safe_checkpoint_hook import non_finite_entries
from tests.helpers import (DIGITS_CONFIG, load_tool, tiny_digits_config,
                           tiny_digits_overrides)


@pytest.fixture(scope='module')
def train_tool():
    return load_tool('train.py')


def _argv(work_dir, **extra):
    overrides = tiny_digits_overrides(str(work_dir), max_epochs=3)
    overrides.update(extra)
    return [DIGITS_CONFIG, '--cfg-options'
            ] + [f'{key}={value}' for key, value in overrides.items()]


def test_write_atomically_keeps_the_old_file_until_the_new_one_is_whole(
        tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    write_atomically(b'old', path)

    def crash(source, target):
        raise KeyboardInterrupt('killed before the rename')

    monkeypatch.setattr(os, 'replace', crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(b'new content', path)
    assert path.read_bytes() == b'old'
    assert (tmp_path / ('epoch_1.pth' + TEMP_SUFFIX)).read_bytes() == \
        b'new content'

    monkeypatch.undo()
    write_atomically(b'new content', path)
    assert path.read_bytes() == b'new content'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['epoch_1.pth']


def test_every_checkpoint_records_that_its_validation_finished(
        train_tool, tmp_path):
    train_tool.main(
        _argv(tmp_path, **{'default_hooks.checkpoint.max_keep_ckpts': 3}))
    for epoch in (1, 2, 3):
        meta = torch.load(
            tmp_path / f'epoch_{epoch}.pth', weights_only=True)['meta']
        assert meta['val_pending'] is False, epoch
    assert open(tmp_path / 'last_checkpoint').read() == str(tmp_path /
                                                            'epoch_3.pth')
    assert not list(tmp_path.glob('*' + TEMP_SUFFIX))


def test_without_validation_nothing_is_pending(train_tool, tmp_path):
    train_tool.main(_argv(tmp_path) + ['--no-validate'])
    meta = torch.load(tmp_path / 'epoch_3.pth', weights_only=True)['meta']
    assert meta['val_pending'] is False


def test_a_checkpoint_with_non_finite_weights_is_never_written(
        train_tool, tmp_path, capsys):
    argv = _argv(
        tmp_path, **{
            'default_hooks.poison.type': 'PoisonBufferAfterEpoch',
            'default_hooks.poison.epoch': 2,
            'default_hooks.checkpoint.max_keep_ckpts': 1,
        })
    with pytest.raises(SystemExit) as exit_info:
        train_tool.main(argv)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith('error: Training stopped before writing '
                          'epoch_2.pth: 1 weight(s) or buffer(s) of the model '
                          'hold NaN or inf (e.g. ')
    assert 'running_var' in err
    assert f'The last good checkpoint is {tmp_path / "epoch_1.pth"}.' in err
    assert err.count('\n') == 1 and 'Traceback' not in err
    # the good checkpoint was not rotated out, and nothing else was written
    assert sorted(p.name
                  for p in tmp_path.glob('epoch_*.pth')) == ['epoch_1.pth']
    state = torch.load(tmp_path / 'epoch_1.pth', weights_only=True)
    assert non_finite_entries(state['state_dict']) == []


def test_a_validation_outside_training_saves_nothing(tmp_path):
    # mmengine's own hook fails here: its file backend is made in before_train
    runner = Runner.from_cfg(tiny_digits_config(str(tmp_path)))
    assert 'accuracy/top1' in runner.val()
    assert not list(tmp_path.glob('*.pth'))


def test_non_finite_entries_names_float_tensors_with_nan_or_inf():
    state = {
        'a': torch.tensor([1.0, float('nan')]),
        'b': torch.ones(3),
        'c': torch.tensor([float('-inf')]),
        'steps': torch.tensor(7),  # integer buffers are never non-finite
    }
    assert non_finite_entries(state) == ['a', 'c']
