"""Resume under torch>=2.6: weights_only loading, exact continuation."""
import torch
from mmengine.runner import Runner

from tests.helpers import tiny_digits_config


def _train(work_dir, max_epochs, resume=False, custom_hooks=None):
    extra = {'randomness': dict(seed=0, deterministic=True)}
    if custom_hooks is not None:
        extra['custom_hooks'] = custom_hooks
    cfg = tiny_digits_config(str(work_dir), extra, max_epochs=max_epochs)
    cfg.resume = resume
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def _weights(runner):
    return {k: v.clone() for k, v in runner.model.state_dict().items()}


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_resumed_run_equals_uninterrupted_run(tmp_path):
    straight = _train(tmp_path / 'straight', max_epochs=3)

    _train(tmp_path / 'split', max_epochs=2)
    checkpoint = torch.load(
        tmp_path / 'split' / 'epoch_2.pth', weights_only=True)
    assert checkpoint['meta']['epoch'] == 2
    assert len(checkpoint['rng_state']) == 1
    resumed = _train(tmp_path / 'split', max_epochs=3, resume=True)

    assert resumed.epoch == straight.epoch == 3
    assert resumed.iter == straight.iter == 12
    _assert_same(_weights(resumed), _weights(straight))
    assert (resumed.optim_wrapper.get_lr() == straight.optim_wrapper.get_lr())


def test_without_rng_state_the_resumed_run_drifts(tmp_path):
    """The control: mmengine alone does not continue exactly."""
    straight = _train(tmp_path / 'straight', max_epochs=3, custom_hooks=[])
    _train(tmp_path / 'split', max_epochs=2, custom_hooks=[])
    resumed = _train(
        tmp_path / 'split', max_epochs=3, resume=True, custom_hooks=[])
    straight_weights, resumed_weights = _weights(straight), _weights(resumed)
    assert any(not torch.equal(straight_weights[k], resumed_weights[k])
               for k in straight_weights)
