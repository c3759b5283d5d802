"""Config mistakes met by a registry build become one paragraph.

The near misses are drawn from the registries themselves: a character of
every registered name (and of the keys of a sample of classes) dropped or
two swapped, and the suggestion must hold the original.
"""
import inspect
import random

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope, Registry
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
from mmpretrain.registry import TRANSFORMS as MMPRETRAIN_TRANSFORMS

from sskt.registry import DATASETS, HOOKS, METRICS, MODELS, TRANSFORMS
from sskt.utils.build_errors import translate_build_error
from sskt.utils.cli import exit_on_user_error
from sskt.utils.errors import ConfigError
from sskt.utils.near_names import (accepted_keys, registered_names, similarity)

#: ``(registry built from, default scope, names drawn from, prefix shown)``
REGISTRIES = {
    'sskt.model': (MODELS, 'sskt', MODELS, ''),
    'sskt.dataset': (DATASETS, 'sskt', DATASETS, ''),
    'sskt.hook': (HOOKS, 'sskt', HOOKS, ''),
    'sskt.metric': (METRICS, 'sskt', METRICS, ''),
    'sskt.transform': (TRANSFORMS, 'sskt', TRANSFORMS, ''),
    'mmpretrain.model':
    (MMPRETRAIN_MODELS, 'mmpretrain', MMPRETRAIN_MODELS, ''),
    'mmpretrain.transform':
    (MMPRETRAIN_TRANSFORMS, 'mmpretrain', MMPRETRAIN_TRANSFORMS, ''),
    # from an sskt config, mmpretrain's modules are named with its scope
    'mmpretrain.model from sskt':
    (MODELS, 'sskt', MMPRETRAIN_MODELS, 'mmpretrain.'),
}
SAMPLE = 12  # classes drawn from each registry for the key near misses


def _near_misses(word, rng):
    """``word`` with one character dropped, and with two swapped."""
    at = rng.randrange(1, len(word) - 1)
    dropped = word[:at] + word[at + 1:]
    swapped = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return [m for m in (dropped, swapped) if m != word]


def _translated(registry, scope, cfg):
    """The ConfigError that building ``cfg`` turns into."""
    with DefaultScope.overwrite_default_scope(scope):
        with pytest.raises((KeyError, TypeError)) as info:
            registry.build(cfg)
    error = translate_build_error(info.value)
    assert isinstance(error, ConfigError), info.value
    assert '\n' not in str(error)
    return str(error)


def _rivals(typo, original, names):
    """How many registered names are nearer to ``typo`` than ``original``
    (e.g. ``ResNetS``, from ``ResNeSt``, is nearer to ``ResNet``)."""
    near = similarity(typo, original)
    return sum(similarity(typo, bare) > near for _, bare in names)


@pytest.mark.parametrize('name', sorted(REGISTRIES))
def test_a_near_miss_type_suggests_the_registered_name(name):
    registry, scope, source, prefix = REGISTRIES[name]
    rng = random.Random(name)
    names = registered_names(registry)
    every = {bare.lower() for _, bare in names}
    for original in sorted(n for n in source.module_dict if len(n) >= 5):
        for typo in _near_misses(original, rng):
            if typo.lower() in every:
                continue
            message = _translated(registry, scope, dict(type=typo))
            assert f"type='{typo}' is not a registered " \
                f'{registry.name}' in message
            suggested = message.split('Did you mean', 1)[-1]
            if f"'{prefix}{original}'" not in suggested:
                # only three names nearer to the typo may push it out
                assert _rivals(typo, original, names) >= 3, (typo, message)


def _closed_classes(registry):
    """Registered classes whose own ``__init__`` takes no ``**kwargs``: an
    unknown key fails when the call binds, before any code runs."""
    for name, cls in sorted(registry.module_dict.items()):
        init = inspect.isclass(cls) and cls.__dict__.get('__init__')
        if not init or not inspect.isfunction(init):
            continue
        params = inspect.signature(init).parameters.values()
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            yield name, cls


@pytest.mark.parametrize('name', ['sskt.model', 'mmpretrain.model'])
def test_a_near_miss_key_suggests_the_constructor_key(name):
    registry, scope, _, _ = REGISTRIES[name]
    rng = random.Random(name)
    classes = list(_closed_classes(registry))
    checked = 0
    for type_name, cls in rng.sample(classes, min(SAMPLE, len(classes))):
        keys, _ = accepted_keys(cls)
        long_keys = [k for k in keys if len(k) >= 5]
        if not long_keys:
            continue
        key = rng.choice(long_keys)
        typo = _near_misses(key, rng)[0]
        if typo in keys:
            continue
        message = _translated(registry, scope, {'type': type_name, typo: 0})
        assert f'{cls.__name__} ({cls.__module__}) has no argument ' \
            f"'{typo}'. Did you mean" in message, message
        assert f"'{key}'" in message.split('Did you mean', 1)[1]
        assert f"{cls.__name__} takes {', '.join(keys)}" in message
        checked += 1
    assert checked >= 6


def test_keys_follow_kwargs_up_the_mro():
    # Digits(**kwargs) passes them to mmengine's BaseDataset
    keys, more = accepted_keys(DATASETS.get('Digits'))
    assert {'num_per_class', 'classes', 'indices', 'pipeline'} <= set(keys)
    assert not more


def test_a_key_of_a_forwarding_class_is_found(tmp_path):
    message = _translated(DATASETS, 'sskt',
                          dict(type='Digits', indics=3, split='train'))
    assert "has no argument 'indics'. Did you mean 'indices'?" in message


def test_a_missing_required_key_is_named():
    message = _translated(MODELS, 'sskt', dict(type='AuxHead', in_channels=8))
    assert "AuxHead (sskt.models.heads.aux_head) needs 'num_classes'" in \
        message


def test_a_dict_without_type_is_named():
    cfg = Config(dict(model=dict(type='SSKT', aux=dict(neck=dict(depth=2)))))
    with DefaultScope.overwrite_default_scope('sskt'):
        with pytest.raises(KeyError) as info:
            MODELS.build(dict(cfg.model.aux.neck, in_channels=[16]))
    assert str(translate_build_error(
        info.value,
        cfg)) == ("model.aux.neck has no `type` (its keys are ['depth', "
                  "'in_channels']); add type=<a registered model> to it.")


def test_a_module_of_a_sibling_scope_is_named_with_its_scope():
    message = _translated(MODELS, 'sskt', dict(type='ImageClassifier'))
    assert "It is registered as 'mmpretrain.ImageClassifier'" in message
    assert "_scope_='mmpretrain'" in message


def test_the_config_key_is_found_in_the_config():
    cfg = Config(
        dict(
            model=dict(
                type='SSKT',
                aux=dict(neck=dict(type='LastStagePoolin')),
                sources=[dict(type='FrozenSource')])))
    with DefaultScope.overwrite_default_scope('sskt'):
        with pytest.raises(KeyError) as info:
            # as SSKT builds its neck: a copy with in_channels added
            MODELS.build(dict(cfg.model.aux.neck, in_channels=[16, 32]))
    message = str(translate_build_error(info.value, cfg))
    assert message.startswith("model.aux.neck.type is 'LastStagePoolin', "
                              'which is not a registered model in scope '
                              'sskt')
    assert "Did you mean 'LastStagePooling'" in message
    assert '--cfg-options model.aux.neck.type=LastStagePooling' in message


def test_a_rewrapped_error_is_read_from_the_innermost():
    """Older mmengine re-raises ``type(e)(f'class ...: {e}')`` per level."""

    def wrapped_build(cfg):
        try:
            return MODELS.build(cfg)
        except KeyError as e:
            raise KeyError(f'class `SSKT` in sskt/x.py: {e}')

    with DefaultScope.overwrite_default_scope('sskt'):
        with pytest.raises(KeyError) as info:
            wrapped_build(dict(type='TransferModul'))
    assert "Did you mean 'TransferModule'" in str(
        translate_build_error(info.value))


BUGS = Registry('bug test')


@BUGS.register_module()
class CallsLenOnAnInt:

    def __init__(self, value: int = 3) -> None:
        len(value)


@BUGS.register_module()
class CallsAHelperWrongly:

    def __init__(self, value: int = 3) -> None:
        _helper(nope=value)


@BUGS.register_module()
class LooksUpAMissingKey:

    def __init__(self, value: int = 3) -> None:
        {}['missing']


def _helper(value):
    return value


@pytest.mark.parametrize(
    'name', ['CallsLenOnAnInt', 'CallsAHelperWrongly', 'LooksUpAMissingKey'])
def test_a_bug_inside_a_constructor_keeps_its_traceback(name):
    error_type = KeyError if name == 'LooksUpAMissingKey' else TypeError

    @exit_on_user_error
    def main():
        with DefaultScope.overwrite_default_scope('sskt'):
            BUGS.build(dict(type=name, value=1))

    with pytest.raises(error_type) as info:
        main()
    assert info.traceback[-1].name == '__init__'


def test_other_exceptions_keep_their_traceback():

    @exit_on_user_error
    def main():
        raise RuntimeError('a bug')

    with pytest.raises(RuntimeError, match='a bug'):
        main()


def test_a_translated_mistake_exits_with_one_paragraph(capsys):

    @exit_on_user_error
    def main():
        with DefaultScope.overwrite_default_scope('sskt'):
            MODELS.build(dict(type='SoftTargetCELoss', TT=2.0))

    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith('error: ') and err.count('\n') == 1
    assert "has no argument 'TT'. Did you mean 'T'?" in err
