import pytest
import torch.nn as nn
from mmengine.optim import OptimWrapperDict, build_optim_wrapper
from mmengine.registry import DefaultScope

from sskt.utils.errors import ConfigError


class TwoPeersAndGenerator(nn.Module):

    def __init__(self):
        super().__init__()
        self.peers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 3)])
        self.target = nn.Linear(2, 4)
        self.aux_head = nn.Linear(4, 5)
        self.generator = nn.Linear(2, 5)


def _build(model, **named):
    with DefaultScope.overwrite_default_scope('sskt'):
        return build_optim_wrapper(
            model,
            dict(constructor='SeparateOptimWrapperConstructor', **named))


def _ids(wrapper):
    return {
        id(p)
        for group in wrapper.optimizer.param_groups
        for p in group['params']
    }


def test_one_wrapper_per_child_and_per_named_part():
    model = TwoPeersAndGenerator()
    wrappers = _build(
        model,
        peers=dict(each_child=True, optimizer=dict(type='SGD', lr=0.1)),
        target=dict(
            modules=['target', 'aux_head'],
            optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
        generator=dict(optimizer=dict(type='SGD', lr=1e-3)))
    assert isinstance(wrappers, OptimWrapperDict)
    assert set(
        wrappers.keys()) == {'peers.0', 'peers.1', 'target', 'generator'}
    assert _ids(
        wrappers['peers.1']) == {id(p)
                                 for p in model.peers[1].parameters()}
    assert _ids(wrappers['target']) == {
        id(p)
        for m in (model.target, model.aux_head)
        for p in m.parameters()
    }
    assert wrappers['generator'].get_lr()['lr'] == [1e-3]


def test_uncovered_or_doubly_covered_parameters_are_errors():
    model = TwoPeersAndGenerator()
    sgd = dict(type='SGD', lr=0.1)
    with pytest.raises(
            ConfigError,
            match=r'in no wrapper.*\(optim_wrapper: aux_head=dict\(\), '
            r'generator=dict\(\), target=dict\(\)\)'):
        _build(model, peers=dict(each_child=True, optimizer=sgd))
    with pytest.raises(ConfigError, match='several wrappers'):
        _build(
            model,
            all=dict(
                modules=['peers', 'target', 'aux_head', 'generator'],
                optimizer=sgd),
            again=dict(modules=['generator'], optimizer=sgd))
    with pytest.raises(ConfigError, match="no submodule 'nope'"):
        _build(model, nope=dict(optimizer=sgd))


def test_top_level_settings_are_every_wrapper_s_defaults():
    model = TwoPeersAndGenerator()
    shared = dict(type='SGD', lr=0.1, momentum=0.9)
    wrappers = _build(
        model,
        optimizer=shared,
        clip_grad=dict(max_norm=1.0),
        peers=dict(each_child=True),
        rest=dict(
            modules=['target', 'aux_head', 'generator'],
            optimizer=dict(type='SGD', lr=1e-3)))
    assert set(wrappers.keys()) == {'peers.0', 'peers.1', 'rest'}
    for name in ('peers.0', 'peers.1'):
        group = wrappers[name].optimizer.param_groups[0]
        assert (group['lr'], group['momentum']) == (0.1, 0.9)
        assert wrappers[name].clip_grad_kwargs == dict(max_norm=1.0)
    # a wrapper's own optimizer replaces the shared one as a whole
    rest = wrappers['rest'].optimizer.param_groups[0]
    assert (rest['lr'], rest['momentum']) == (1e-3, 0)


def test_a_wrapper_without_any_optimizer_is_an_error():
    with pytest.raises(
            ConfigError, match='optim_wrapper.peers has no '
            'optimizer'):
        _build(TwoPeersAndGenerator(), peers=dict(each_child=True))
