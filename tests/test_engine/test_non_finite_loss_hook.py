"""NonFiniteLossHook: a NaN loss stops the run, or (opt-in) skips the batch."""
import json
import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper, OptimWrapperDict

import tests.test_engine.non_finite_injection  # noqa: F401 (test hooks)
from sskt.engine.hooks import NonFiniteLossHook
from sskt.utils.errors import ConfigError, NonFiniteLossError
from tests.helpers import DIGITS_CONFIG, load_tool, tiny_digits_overrides

INJECTION = 'tests.test_engine.non_finite_injection'


@pytest.fixture(scope='module')
def train_tool():
    return load_tool('train.py')


def _config(tmp_path, hook):
    """r20_digits plus a test hook (``dict(type=...)`` text), as a file."""
    path = tmp_path / 'with_hook.py'
    path.write_text(f"""_base_ = ['{DIGITS_CONFIG}']
custom_imports = dict(imports=['{INJECTION}'], allow_failed_imports=False)
default_hooks = dict(test_hook={hook})
""")
    return str(path)


def _argv(config, work_dir, extra=None, **kwargs):
    options = tiny_digits_overrides(str(work_dir), **kwargs)
    options.update(extra or {})
    return [config, '--no-validate', '--cfg-options'
            ] + [f'{key}={value}' for key, value in options.items()]


def _finite(path):
    state = torch.load(path, weights_only=True)['state_dict']
    return all(
        torch.isfinite(value).all() for value in state.values()
        if value.is_floating_point())


def _runner(outputs_hub=None, iteration=4, epoch=1):
    """What the hook reads of a Runner, with a fresh message hub."""
    hub = MessageHub(f'non_finite_{id(object())}')
    for key, value in (outputs_hub or {}).items():
        hub.update_scalar(f'train/{key}', value)
    warnings = []
    return SimpleNamespace(
        iter=iteration,
        epoch=epoch,
        message_hub=hub,
        logger=SimpleNamespace(warning=warnings.append),
        warnings=warnings)


class Unreadable:
    """A loss tensor the hook must not read (it would sync the device)."""

    def __getattr__(self, name):
        raise AssertionError(f'the hook read the tensor ({name})')


# ------------------------------------------------------------- stop mode
def test_huge_lr_stops_with_one_paragraph(train_tool, tmp_path, capsys):
    # 120 images in batches of 20: 6 iterations; the loss is nan at the 5th
    argv = _argv(
        DIGITS_CONFIG,
        tmp_path, {'optim_wrapper.optimizer.lr': 1e6},
        max_epochs=1,
        per_class=12)
    with pytest.raises(SystemExit) as exit_info:
        train_tool.main(argv)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith('error: Training stopped at iteration 5 (epoch 1, '
                          'batch 5): the loss went non-finite (loss=nan).')
    assert err.count('\n') == 1 and 'Traceback' not in err
    assert 'No checkpoint has been written yet.' in err
    assert 'optim_wrapper.optimizer.lr' in err and '--amp' in err
    assert 'optim_wrapper.clip_grad.max_norm' in err
    assert 'default_hooks.non_finite.action=skip' in err
    assert not list(tmp_path.glob('*.pth'))  # epoch_1 would hold NaNs


def test_stops_at_the_iteration_whose_loss_is_nan(train_tool, tmp_path,
                                                  capsys):
    config = _config(tmp_path, "dict(type='InjectNonFiniteLoss', iters=[3])")
    # 40 images in batches of 20: 2 iterations per epoch
    with pytest.raises(SystemExit):
        train_tool.main(_argv(config, tmp_path, max_epochs=3, per_class=4))
    err = capsys.readouterr().err
    assert err.startswith('error: Training stopped at iteration 3 (epoch 2, '
                          'batch 1): the loss went non-finite (loss=nan).')
    last = tmp_path / 'epoch_1.pth'
    assert f'The last good checkpoint is {last}' in err
    assert [p.name for p in tmp_path.glob('*.pth')] == ['epoch_1.pth']
    assert _finite(last)


def test_fast_path_floats_are_read_as_they_are():
    hook = NonFiniteLossHook()
    runner = _runner()  # empty message hub: nothing else to read
    hook.after_train_iter(runner, 3, outputs=dict(loss=1.5, loss_cls=1.0))
    with pytest.raises(NonFiniteLossError) as error:
        hook.after_train_iter(
            runner,
            3,
            outputs=dict(
                loss=math.inf, loss_cls=1.0, loss_aux_p=math.nan, acc=0.5))
    message = str(error.value)
    assert message.startswith('Training stopped at iteration 5 (epoch 2, '
                              'batch 4): the loss went non-finite (loss=inf, '
                              'loss_aux_p=nan).')
    assert '\n' not in message


def test_tensors_are_read_from_the_message_hub_only():
    hook = NonFiniteLossHook()
    runner = _runner(dict(loss=2.0, loss_cls=2.0))
    hook.after_train_iter(
        runner, 0, outputs=dict(loss=Unreadable(), loss_cls=Unreadable()))
    runner.message_hub.update_scalar('train/loss_cls', float('nan'))
    with pytest.raises(NonFiniteLossError, match=r'\(loss_cls=nan\)'):
        hook.after_train_iter(
            runner, 0, outputs=dict(loss=Unreadable(), loss_cls=Unreadable()))


def test_unknown_action_is_refused():
    with pytest.raises(ConfigError, match='default_hooks.non_finite.action'):
        NonFiniteLossHook(action='ignore')


# ------------------------------------------------------------- skip mode
def _run(train_tool, work_dir, hook, extra=None):
    work_dir.mkdir()
    return train_tool.main(
        _argv(
            _config(work_dir, hook),
            work_dir,
            extra,
            max_epochs=2,
            per_class=4))


def test_skip_equals_a_run_without_those_batches(train_tool, tmp_path):
    skipped = _run(train_tool, tmp_path / 'a',
                   "dict(type='InjectNonFiniteLoss', iters=[2, 3])",
                   {'default_hooks.non_finite.action': 'skip'})
    reference = _run(train_tool, tmp_path / 'b',
                     "dict(type='NoUpdateAt', iters=[2, 3])")
    assert skipped.iter == reference.iter == 4
    got, expected = skipped.model.state_dict(), reference.model.state_dict()
    for key in expected:  # parameters and batch-norm statistics
        assert torch.equal(got[key], expected[key]), key
    assert _finite(tmp_path / 'a' / 'epoch_2.pth')

    hub = skipped.message_hub
    assert hub.get_scalar('train/skipped_batches').current() == 2
    losses = hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 and all(map(math.isfinite, losses))
    logged = [
        json.loads(line) for line in open(
            next((tmp_path / 'a').glob('*/vis_data/scalars.json')))
    ]
    assert [entry.get('skipped_batches') for entry in logged] == [0, 1, 2, 2]
    assert all(math.isfinite(entry['loss']) for entry in logged)
    log = next((tmp_path / 'a').glob('*/*.log')).read_text()
    assert 'Skipped iteration 2 (epoch 1, batch 2): the loss went ' \
           'non-finite (loss=nan)' in log
    assert '2 batch(es) skipped so far (train/skipped_batches)' in log


def _skip_runner(optim_wrapper, model):
    runner = _runner(iteration=0, epoch=0)
    runner.optim_wrapper, runner.model = optim_wrapper, model
    return runner


def test_skip_guards_every_wrapper_of_a_dict():
    torch.manual_seed(0)
    model = nn.ModuleDict(dict(a=nn.Linear(2, 1), b=nn.Linear(2, 1)))
    wrappers = OptimWrapperDict(
        a=OptimWrapper(torch.optim.SGD(model.a.parameters(), lr=0.1)),
        b=OptimWrapper(torch.optim.SGD(model.b.parameters(), lr=0.1)))
    hook = NonFiniteLossHook(action='skip')
    runner = _skip_runner(wrappers, model)
    hook.before_train(runner)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.ones(1, 2)

    hook.before_train_iter(runner, 0)
    wrappers['a'].update_params(model.a(x).sum() * math.nan)
    wrappers['b'].update_params(model.b(x).sum())  # same batch: skipped too
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(p.grad is None or not p.grad.any() for p in model.parameters())
    hook.after_train_iter(runner, 0, outputs=dict(loss=math.nan))
    assert "(optim wrapper 'a')" in runner.warnings[0]
    assert runner.message_hub.get_scalar(
        'train/skipped_batches').current() == 1

    hook.before_train_iter(runner, 1)
    wrappers['b'].update_params(model.b(x).sum())  # a good batch steps
    assert not torch.equal(model.b.bias, before['b.bias'])
    hook.after_train(runner)
    assert 'update_params' not in vars(wrappers['a'])


def test_skip_refuses_gradient_accumulation():
    model = nn.Linear(2, 1)
    wrapper = OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=0.1), accumulative_counts=2)
    runner = _skip_runner(OptimWrapperDict(peers=wrapper), model)
    with pytest.raises(ConfigError) as error:
        NonFiniteLossHook(action='skip').before_train(runner)
    assert 'optim_wrapper.peers.accumulative_counts=2' in str(error.value)


def test_skip_count_continues_after_a_resume():
    model = nn.Linear(2, 1)
    runner = _skip_runner(
        OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)), model)
    runner.message_hub.update_scalar('train/skipped_batches', 3)  # resumed
    hook = NonFiniteLossHook(action='skip')
    hook.before_train(runner)
    hook.before_train_iter(runner, 0)
    runner.optim_wrapper.update_params(
        model(torch.ones(1, 2)).sum() * math.inf)
    hook.after_train_iter(runner, 0, outputs=dict(loss=math.inf))
    assert '4 batch(es) skipped so far' in runner.warnings[0]
