"""A DML run saved in the former layout (all peers in ``peers``) resumes.

Peer 0 used to be ``peers.0`` with the optim wrapper ``peers.0``; it is now
``target`` with the wrapper ``target``. The weights rename themselves
(``former_peer_keys``); the optimizer and scheduler states are renamed by
``DML.upgrade_checkpoint``, which ``SafeCheckpointHook`` calls.
"""
import re

import pytest
import torch
from mmengine.runner import Runner

from sskt.models.distillers.dml import former_wrapper_names
from tests.helpers import tiny_digits_config


def _dml_config(work_dir, max_epochs, resume=False):
    cfg = tiny_digits_config(
        str(work_dir), {'randomness': dict(seed=0, deterministic=True)},
        max_epochs=max_epochs)
    cfg.model = dict(type='DML', peer=cfg.model, num_peers=2)
    cfg.optim_wrapper = dict(
        cfg.optim_wrapper,
        constructor='SeparateOptimWrapperConstructor',
        target=dict(),
        peers=dict(each_child=True))
    cfg.resume = resume
    return cfg


def _train(work_dir, max_epochs, resume=False):
    runner = Runner.from_cfg(_dml_config(work_dir, max_epochs, resume))
    runner.train()
    return runner


def _former_name(name: str) -> str:
    """Today's wrapper or key prefix in the former layout."""
    if name == 'target' or name.startswith('target.'):
        return 'peers.0' + name[len('target'):]
    match = re.fullmatch(r'peers\.(\d+)(.*)', name)
    return f'peers.{int(match.group(1)) + 1}{match.group(2)}'


def _to_former_layout(path):
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['state_dict'] = {
        _former_name(k): v
        for k, v in checkpoint['state_dict'].items()
    }
    for key in ('optimizer', 'param_schedulers'):
        checkpoint[key] = {
            _former_name(k): v
            for k, v in checkpoint[key].items()
        }
    torch.save(checkpoint, path)
    return checkpoint


def test_former_wrapper_names_are_renamed_and_today_s_kept():
    former = {'peers.0': 'a', 'peers.1': 'b', 'peers.2': 'c'}
    assert former_wrapper_names(former) == {
        'target': 'a',
        'peers.0': 'b',
        'peers.1': 'c'
    }
    today = {'target': 'a', 'peers.0': 'b'}
    assert former_wrapper_names(today) is today
    assert former_wrapper_names([1, 2]) == [1, 2]


def test_a_former_layout_checkpoint_resumes_exactly(tmp_path):
    straight = _train(tmp_path / 'straight', max_epochs=3)

    _train(tmp_path / 'split', max_epochs=2)
    former = _to_former_layout(tmp_path / 'split' / 'epoch_2.pth')
    assert set(former['optimizer']) == {'peers.0', 'peers.1'}
    assert set(former['param_schedulers']) == {'peers.0', 'peers.1'}
    resumed = _train(tmp_path / 'split', max_epochs=3, resume=True)

    assert resumed.iter == straight.iter
    weights, expected = resumed.model.state_dict(), straight.model.state_dict()
    assert weights.keys() == expected.keys()
    for key in expected:
        assert torch.equal(weights[key], expected[key]), key


def test_without_the_upgrade_the_former_optimizer_state_is_refused(
        tmp_path, monkeypatch):
    _train(tmp_path / 'split', max_epochs=1)
    _to_former_layout(tmp_path / 'split' / 'epoch_1.pth')
    monkeypatch.setattr('sskt.models.distillers.dml.DML.upgrade_checkpoint',
                        lambda self, checkpoint: None)
    with pytest.raises(AssertionError, match='Mismatched'):
        _train(tmp_path / 'split', max_epochs=2, resume=True)
