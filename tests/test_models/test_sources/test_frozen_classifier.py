"""FrozenClassifier: building, lazy strict loading, freezing, its logits."""
import logging

import pytest
import torch
from mmengine.registry import DefaultScope

from sskt.models.sources import FrozenClassifier
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError, MalformedFileError, MissingFileError
from tests.helpers import DIGITS_CONFIG

MEAN, STD = [125.3, 123.0, 113.9], [63.0, 62.1, 66.7]


def classifier_cfg(num_classes=10, preprocessor=True):
    cfg = dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='sskt.CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=num_classes, in_channels=64))
    if preprocessor:
        cfg['data_preprocessor'] = dict(
            num_classes=num_classes, mean=MEAN, std=STD)
    return cfg


def trained_like_classifier(num_classes=10, seed=0):
    """A classifier with random weights and BN statistics, in eval mode."""
    torch.manual_seed(seed)
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(classifier_cfg(num_classes))
    model.init_weights()
    generator = torch.Generator().manual_seed(seed)
    for name, buf in model.named_buffers():
        if name.endswith('running_mean'):
            buf.copy_(0.1 * torch.randn(buf.shape, generator=generator))
        elif name.endswith('running_var'):
            buf.copy_(0.5 + torch.rand(buf.shape, generator=generator))
    return model.eval()


def save_mmengine(path, model, prefix=''):
    """Save as tools/train.py does: ``{'meta', 'state_dict', ...}``."""
    state = {prefix + k: v for k, v in model.state_dict().items()}
    torch.save(
        dict(
            meta=dict(epoch=3, iter=30), state_dict=state, message_hub=dict()),
        str(path))
    return str(path)


def build(**kwargs) -> FrozenClassifier:
    cfg = dict(type='FrozenClassifier')
    if 'config' not in kwargs:
        cfg['model'] = classifier_cfg()
    cfg.update(kwargs)
    return MODELS.build(cfg)


def logits_of(model, x):
    with torch.no_grad():
        return model(x, mode='tensor')


@pytest.mark.parametrize('prefix', ['', 'module.', 'target.'])
def test_loads_a_training_checkpoint_and_gives_its_logits(tmp_path, prefix):
    saved = trained_like_classifier()
    path = save_mmengine(tmp_path / 'epoch_3.pth', saved, prefix)
    teacher = build(
        checkpoint=path,
        checkpoint_prefix='target.' if prefix == 'target.' else None)
    teacher.init_weights()
    x = torch.randn(3, 3, 32, 32)
    out = teacher(x)
    torch.testing.assert_close(out, logits_of(saved, x), rtol=0, atol=0)
    assert teacher.num_classes == 10
    assert not out.requires_grad and not out.is_inference()


def test_checkpoint_is_read_at_init_weights_only(tmp_path):
    path = tmp_path / 'later.pth'
    teacher = build(checkpoint=str(path))  # the file does not exist yet
    saved = trained_like_classifier(seed=1)
    save_mmengine(path, saved)
    x = torch.randn(2, 3, 32, 32)
    assert not torch.equal(teacher(x), logits_of(saved, x))
    teacher.init_weights()
    assert torch.equal(teacher(x), logits_of(saved, x))


def test_from_a_config_file(tmp_path):
    config = tmp_path / 'tiny.py'
    config.write_text(
        'default_scope = "sskt"\n'
        f'model = {classifier_cfg(preprocessor=False)!r}\n'
        f'data_preprocessor = dict(num_classes=10, mean={MEAN}, std={STD})\n')
    saved = trained_like_classifier()
    teacher = build(
        config=str(config),
        checkpoint=save_mmengine(tmp_path / 'c.pth', saved))
    teacher.init_weights()
    # the config's top-level data_preprocessor is the classifier's
    assert teacher.net.data_preprocessor.mean.flatten().tolist() == (
        pytest.approx(MEAN))
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(teacher(x), logits_of(saved, x))


def test_from_a_distiller_config_file_takes_its_target(tmp_path):
    config = tmp_path / 'kd.py'
    config.write_text(
        f'model = dict(type="KD", target={classifier_cfg(5)!r}, '
        'teacher=dict(type="FrozenClassifier", allow_random=True, '
        f'model={classifier_cfg(5)!r}))\n')
    teacher = build(config=str(config), allow_random=True)
    assert teacher.num_classes == 5


def test_missing_config_file_is_named(tmp_path):
    path = str(tmp_path / 'nowhere.py')
    with pytest.raises(MissingFileError, match='nowhere.py'):
        FrozenClassifier(config=path)


@pytest.mark.parametrize('kwargs', [{}, {
    'model': classifier_cfg(),
    'config': 'x.py'
}])
def test_needs_exactly_one_of_model_and_config(kwargs):
    with pytest.raises(ConfigError, match='exactly one'):
        FrozenClassifier(**kwargs)


def test_missing_checkpoint_file(tmp_path):
    teacher = build(checkpoint=str(tmp_path / 'absent.pth'))
    with pytest.raises(MissingFileError, match='absent.pth'):
        teacher.init_weights()


def test_wrong_classes_lists_size_mismatches(tmp_path):
    path = save_mmengine(tmp_path / 'c5.pth', trained_like_classifier(5))
    teacher = build(checkpoint=path)
    with pytest.raises(MalformedFileError, match='size mismatches: head.fc'):
        teacher.init_weights()


def test_distiller_checkpoint_without_prefix_lists_keys(tmp_path):
    saved = trained_like_classifier()
    state = {'target.' + k: v for k, v in saved.state_dict().items()}
    state['aux_branches.imagenet.0.weight'] = torch.zeros(2)
    torch.save(dict(meta={}, state_dict=state), str(tmp_path / 'sskt.pth'))
    teacher = build(checkpoint=str(tmp_path / 'sskt.pth'))
    with pytest.raises(MalformedFileError) as info:
        teacher.init_weights()
    message = str(info.value)
    assert 'missing keys: backbone.conv1.weight' in message
    assert 'unexpected keys: target.backbone.conv1.weight' in message
    assert "checkpoint_prefix='target.'" in message
    teacher = build(
        checkpoint=str(tmp_path / 'sskt.pth'), checkpoint_prefix='target.')
    teacher.init_weights()  # the aux branch keys are left out


def test_no_checkpoint_needs_allow_random(monkeypatch):
    with pytest.raises(ConfigError, match='no checkpoint'):
        build().init_weights()
    logged = []
    monkeypatch.setattr('sskt.models.sources.frozen_network.print_log',
                        lambda msg, **kwargs: logged.append((msg, kwargs)))
    build(allow_random=True).init_weights()
    assert any('RANDOM' in msg and kwargs.get('level') == logging.WARNING
               for msg, kwargs in logged)


def test_frozen_and_always_in_eval_mode():
    teacher = build(allow_random=True)
    teacher.init_weights()
    teacher.train()
    assert not any(p.requires_grad for p in teacher.parameters())
    assert not any(m.training for m in teacher.net.modules())
    stats = {k: v.clone() for k, v in teacher.net.state_dict().items()}
    teacher(torch.randn(4, 3, 32, 32))
    assert all(
        torch.equal(v, stats[k]) for k, v in teacher.net.state_dict().items())


def test_target_normalization_is_a_no_op_that_warns_on_mismatch(monkeypatch):
    logged = []
    monkeypatch.setattr('sskt.models.sources.frozen_classifier.print_log',
                        lambda msg, **kwargs: logged.append((msg, kwargs)))
    teacher = build(allow_random=True)
    x = torch.randn(2, 3, 32, 32)
    before = teacher(x)
    teacher.set_target_normalization(torch.tensor(MEAN), torch.tensor(STD))
    assert not logged
    assert torch.equal(teacher(x), before)
    teacher.set_target_normalization(None, None)
    assert logged and 'data_preprocessor' in logged[0][0]
    logged.clear()
    build(
        model=classifier_cfg(preprocessor=False),
        allow_random=True).set_target_normalization(None, None)
    assert not logged


def test_classifier_without_logits_is_refused():
    cfg = classifier_cfg()
    cfg.pop('head')
    teacher = build(model=cfg, allow_random=True)
    assert teacher.num_classes is None
    with pytest.raises(ConfigError, match='B×K logits'):
        teacher(torch.randn(1, 3, 32, 32))


def test_from_a_repository_config():
    teacher = FrozenClassifier(config=DIGITS_CONFIG, allow_random=True)
    assert teacher.num_classes == 10
    assert teacher.net.data_preprocessor._enable_normalize
    assert teacher(torch.randn(2, 3, 32, 32)).shape == (2, 10)
