"""FrozenSource: lazy strict loading, freezing, BN modes, its logits."""
import logging

import pytest
import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn

from sskt.models.sources import FrozenSource
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError, MalformedFileError, MissingFileError
from tests.data.checkpoints import (write_csail_checkpoint,
                                    write_mmengine_checkpoint,
                                    write_torchvision_checkpoint)

NO_ADAPTER = dict(type='SourceAdapter', scale_factor=None, renormalize=False)


def build_source(**kwargs) -> FrozenSource:
    cfg = dict(
        type='FrozenSource',
        arch='resnet18',
        num_classes=10,
        adapter=NO_ADAPTER)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def running_stats(source: FrozenSource):
    return [
        buf.clone() for name, buf in source.net.named_buffers()
        if 'running' in name
    ]


@pytest.mark.parametrize('layout', ['torchvision', 'csail', 'mmengine'])
def test_each_layout_gives_the_saved_logits(tmp_path, layout):
    path = str(tmp_path / f'{layout}.pth')
    if layout == 'torchvision':
        model = write_torchvision_checkpoint(path)
        source = build_source(checkpoint=path)
    elif layout == 'csail':
        model = write_csail_checkpoint(path)
        source = build_source(checkpoint=path, num_classes=365)
    else:
        model = write_mmengine_checkpoint(
            path, extra_state={'target.fc.bias': torch.zeros(3)})
        source = build_source(checkpoint=path, checkpoint_prefix='net.')
    source.init_weights()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        expected = model(x)
    torch.testing.assert_close(source(x), expected, rtol=0, atol=1e-6)


def test_default_adapter_is_applied(tmp_path):
    path = str(tmp_path / 'resnet18.pth')
    model = write_torchvision_checkpoint(path)
    source = build_source(checkpoint=path, adapter=dict(type='SourceAdapter'))
    source.set_target_normalization((125.3, 123.0, 113.9), (63.0, 62.1, 66.7))
    source.init_weights()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        adapted = source.adapter(x)
        expected = model(adapted)
    assert adapted.shape[-2:] == (74, 74)
    torch.testing.assert_close(source(x), expected, rtol=0, atol=1e-6)


def test_build_does_not_touch_the_checkpoint(tmp_path):
    path = str(tmp_path / 'later.pth')
    source = build_source(checkpoint=path)  # the file does not exist yet
    with pytest.raises(MissingFileError) as info:
        source.init_weights()
    assert path in str(info.value)
    assert 'docs/dataset_prepare.md' in str(info.value)
    model = write_torchvision_checkpoint(path)
    source.init_weights()
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(source(x), model(x), rtol=0, atol=1e-6)


def test_loaded_by_a_parent_init_weights(tmp_path):
    path = str(tmp_path / 'resnet18.pth')
    model = write_torchvision_checkpoint(path)

    class Parent(BaseModule):

        def __init__(self):
            super().__init__()
            self.source = build_source(checkpoint=path)

    parent = Parent()
    parent.init_weights()
    assert parent.source.is_init
    assert torch.equal(parent.source.net.fc.weight, model.fc.weight)


def test_wrong_arch_lists_missing_keys(tmp_path):
    path = str(tmp_path / 'resnet18.pth')
    write_torchvision_checkpoint(path)
    source = build_source(arch='resnet34', checkpoint=path)
    with pytest.raises(MalformedFileError) as info:
        source.init_weights()
    message = str(info.value)
    assert path in message and "arch='resnet34'" in message
    assert 'missing keys: layer1.2.conv1.weight' in message
    assert 'more)' in message


def test_wrong_num_classes_lists_size_mismatches(tmp_path):
    path = str(tmp_path / 'resnet18_places365.pth.tar')
    write_csail_checkpoint(path, num_classes=365)
    source = build_source(checkpoint=path, num_classes=1000)
    with pytest.raises(MalformedFileError) as info:
        source.init_weights()
    message = str(info.value)
    assert '2 size mismatches' in message
    assert 'fc.weight: checkpoint (365, 512) vs network (1000, 512)' in message
    assert 'num_classes=1000' in message


def test_whole_model_checkpoint_lists_unexpected_keys(tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    write_mmengine_checkpoint(path, prefix='net.')
    source = build_source(checkpoint=path)
    with pytest.raises(MalformedFileError) as info:
        source.init_weights()
    message = str(info.value)
    assert 'unexpected keys: net.conv1.weight' in message
    assert 'missing keys: conv1.weight' in message
    assert "checkpoint_prefix" in message and "'net.'" in message


def test_no_checkpoint(tmp_path):
    with pytest.raises(ConfigError, match='allow_random'):
        build_source().init_weights()


def test_allow_random_warns(monkeypatch):
    logged = []
    monkeypatch.setattr('sskt.models.sources.frozen_network.print_log',
                        lambda msg, **kwargs: logged.append((msg, kwargs)))
    source = build_source(allow_random=True)
    source.init_weights()
    assert any('RANDOM' in msg and kwargs.get('level') == logging.WARNING
               for msg, kwargs in logged)
    assert source(torch.randn(1, 3, 32, 32)).shape == (1, 10)


def test_no_gradient_reaches_the_source():
    source = build_source(allow_random=True)
    source.init_weights()
    source.train()
    assert not any(p.requires_grad for p in source.parameters())
    student = nn.Linear(12, 10)
    x = torch.randn(4, 3, 32, 32)
    target = source(x)
    assert target.dtype == torch.float32
    assert not target.requires_grad and not target.is_inference()
    logits = student(torch.randn(4, 12))
    loss = F.kl_div(
        F.log_softmax(logits, 1), F.softmax(target, 1), reduction='batchmean')
    loss.backward()
    assert student.weight.grad is not None
    assert all(p.grad is None for p in source.parameters())


def test_eval_bn_mode_keeps_running_stats():
    source = build_source(allow_random=True).train()
    before = running_stats(source)
    assert source.training and not source.net.training
    assert not any(m.training for m in source.net.modules())
    for _ in range(2):
        source(torch.randn(4, 3, 32, 32))
    assert all(
        torch.equal(a, b) for a, b in zip(before, running_stats(source)))


def test_train_bn_mode_follows_train():
    source = build_source(allow_random=True, bn_mode='train').train()
    bns = [m for m in source.net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert all(m.training for m in bns)
    before = running_stats(source)
    source(torch.randn(4, 3, 32, 32))
    after = running_stats(source)
    assert not any(torch.equal(a, b) for a, b in zip(before, after))
    assert not any(p.requires_grad for p in source.parameters())
    source.eval()
    assert not any(m.training for m in bns)
    source(torch.randn(4, 3, 32, 32))
    assert all(torch.equal(a, b) for a, b in zip(after, running_stats(source)))


def test_train_bn_mode_leaves_dropout_in_eval():
    with torch.device('meta'):
        source = build_source(
            arch='vgg11', allow_random=True, bn_mode='train').train()
    assert not any(m.training
                   for m in source.net.modules() if isinstance(m, nn.Dropout))


@pytest.mark.parametrize('arch, last', [('resnet18', 'fc'), ('resnet34', 'fc'),
                                        ('resnet50', 'fc'),
                                        ('vgg16', 'classifier.6'),
                                        ('vgg16_bn', 'classifier.6')])
def test_builds_torchvision_archs(arch, last):
    with torch.device('meta'):  # no memory, no init cost
        source = build_source(arch=arch, num_classes=365, allow_random=True)
    assert source.net.get_submodule(last).out_features == 365
    assert source.num_classes == 365


def test_unknown_arch():
    with pytest.raises(ConfigError) as info:
        build_source(arch='resnet51')
    assert 'resnet51' in str(info.value) and 'resnet50' in str(info.value)


@pytest.mark.parametrize('kwargs',
                         [dict(bn_mode='frozen'),
                          dict(autocast_dtype='fp8')])
def test_bad_options(kwargs):
    with pytest.raises(ConfigError):
        build_source(**kwargs)


def test_autocast_is_ignored_on_cpu():
    torch.manual_seed(0)
    source = build_source(allow_random=True, autocast_dtype='bfloat16')
    reference = build_source(allow_random=True)
    reference.load_state_dict(source.state_dict())
    x = torch.randn(2, 3, 32, 32)
    out = source(x)
    assert out.dtype == torch.float32
    assert torch.equal(out, reference(x))


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
@pytest.mark.parametrize('dtype', ['bfloat16', 'float16'])
def test_autocast_on_cuda(dtype):
    source = build_source(allow_random=True, autocast_dtype=dtype).cuda()
    reference = build_source(allow_random=True).cuda()
    reference.load_state_dict(source.state_dict())
    x = torch.randn(2, 3, 32, 32, device='cuda')
    out = source(x)
    assert out.dtype == torch.float32 and not out.is_inference()
    torch.testing.assert_close(out, reference(x), rtol=0.05, atol=0.05)


def test_classes(tmp_path):
    assert build_source(allow_random=True).classes is None
    names = [f'c{i}' for i in range(10)]
    assert build_source(allow_random=True, classes=names).classes == names
    path = tmp_path / 'categories_places365.txt'
    path.write_text(''.join(f'/c/c{i} {i}\n' for i in range(10)))
    assert build_source(allow_random=True, classes=str(path)).classes == names
    with pytest.raises(ConfigError, match='3 names'):
        build_source(classes=['a', 'b', 'c'])
    with pytest.raises(MissingFileError):
        build_source(classes=str(tmp_path / 'none.txt'))


def test_repr_names_arch_checkpoint_and_bn_mode():
    text = repr(build_source(checkpoint='checkpoints/r18.pth'))
    assert 'arch=resnet18' in text
    assert 'checkpoint=checkpoints/r18.pth' in text
    assert 'bn_mode=eval' in text
