"""Every config parses, is a few lines over its bases, and runs one step.

The one-step test builds each config's model with stand-in sources
(:mod:`.tiny_sources`): a tiny network with the real source's classes, so
what it proves (the config builds, its class counts fit the dataset, one
step trains the target) does not pay for two random ResNet-50s at 224 px
per config. The real ResNet-50 sources are built once, where their size is
the point (``test_a_row_reads_full_size_sources_in_their_published_layout``).
"""
import glob
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from sskt.engine import load_config
from sskt.engine.hooks.class_count_check_hook import check_class_counts
from sskt.registry import DATASETS, MODELS
from tests.data.checkpoints import (write_csail_checkpoint,
                                    write_torchvision_checkpoint)
from tests.data.cifar import write_cifar10, write_cifar100
from tests.data.stl10 import write_stl10
from tests.data.video import write_rawframe_dataset
from tests.data.voc import write_voc
from tests.helpers import REPO
from tests.test_configs.tiny_sources import (PENULTIMATE_WIDTHS, TinySourceNet,
                                             use_tiny_sources)

CONFIGS = sorted(
    path for path in glob.glob(
        osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in path)
NAMES = [osp.relpath(path, osp.join(REPO, 'configs')) for path in CONFIGS]

#: Fixture writers for the datasets that read local files.
WRITERS = {
    'CIFAR10':
    lambda root: write_cifar10(root, num_train_per_batch=1),
    'CIFAR100':
    lambda root: write_cifar100(root, num_train=4),
    'STL10':
    lambda root: write_stl10(root, num_train=4, splits=('train', 'test')),
    'VideoRawframeDataset':
    lambda root:
    [write_rawframe_dataset(root, name) for name in ('ucf101', 'hmdb51')],
    'VOC':
    lambda root: write_voc(root, {
        'trainval': ['000001', '000002'],
        'test': ['000003', '000004']
    }),
}


def test_there_is_a_config_for_every_baseline_row():
    rows = {
        'r20_cifar10', 'r32_cifar10', 'r20_cifar100', 'r32_cifar100',
        'r20_stl10', 'r32_stl10', 'r18_voc', 'r34_voc', 'r50_voc'
    }
    for method in ('kd', 'dml'):
        assert {f'baselines/{method}/{row}.py' for row in rows} <= set(NAMES)
    assert {
        'baselines/maxl/vgg16_cifar10.py', 'baselines/maxl/r20_cifar10.py'
    } <= set(NAMES)


def test_there_is_a_config_for_every_scratch_row():
    scratch = {
        osp.basename(n)
        for n in NAMES if n.startswith('baselines/scratch/')
    }
    assert scratch >= {
        'r20_cifar10.py', 'r32_cifar10.py', 'r20_cifar100.py',
        'r32_cifar100.py', 'r20_stl10.py', 'r32_stl10.py', 'r44_stl10.py',
        'r18_voc.py', 'r34_voc.py', 'r50_voc.py', 'vgg16_cifar10.py',
        'r20_digits.py', 'r18_imagenet.py', 'r18_places365.py'
    }


@pytest.mark.parametrize('path', CONFIGS, ids=NAMES)
def test_config_is_a_few_lines_over_its_bases(path):
    with open(path) as f:
        code = [
            line for line in f
            if line.strip() and not line.lstrip().startswith('#')
        ]
    assert code[0].startswith('_base_ = ')
    assert len(code) <= 20, f'{path} has {len(code)} lines of code'
    cfg = load_config(path)
    assert cfg.default_scope == 'sskt'
    target = cfg.model.get('target') or cfg.model.get('peer') or cfg.model
    # a classifier of mmpretrain/mmaction, or one of ours (the demo source)
    assert target.get('_scope_', 'sskt') in ('mmpretrain', 'mmaction', 'sskt')


def _two_sample_batch(cfg, tmp_path, model):
    """Two training samples of the config's dataset, on a fixture.

    ImageNet/Places365 use mmpretrain's own folder datasets; for them two
    random 64 x 64 images stand in. On the fixture dataset, the model's
    target heads must have its number of classes (ClassCountCheckHook).
    """
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    # mmengine serialises a dataset's records after a gc.collect(), which
    # costs 0.25 s in a test process this size; two samples need neither
    dataset_cfg.serialize_data = False
    dataset_type = dataset_cfg.type
    if dataset_type.startswith('mmpretrain.'):
        image = torch.randint(0, 256, (3, 64, 64), dtype=torch.uint8)
        return dict(
            inputs=[image, image],
            data_samples=[DataSample().set_gt_label(i) for i in range(2)])
    if dataset_type in WRITERS:
        WRITERS[dataset_type](str(tmp_path))
        dataset_cfg.data_root = str(tmp_path)
    else:
        dataset_cfg.indices = 2
    dataset = DATASETS.build(dataset_cfg)
    check_class_counts(model, dataset, cfg.model)
    return pseudo_collate([dataset[0], dataset[1]])


def _build_model(cfg):
    """The config's model, built as the Runner builds it."""
    with DefaultScope.overwrite_default_scope('sskt'):
        model_cfg = cfg.model.copy()
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
        return MODELS.build(model_cfg)


@pytest.mark.parametrize('path', CONFIGS, ids=NAMES)
def test_config_trains_one_step_on_its_dataset(path, tmp_path, monkeypatch):
    use_tiny_sources(monkeypatch)
    cfg = load_config(path)
    model = _build_model(cfg)
    with DefaultScope.overwrite_default_scope('sskt'):
        batch = _two_sample_batch(cfg, tmp_path, model)
    data = model.data_preprocessor(batch, training=True)
    data['inputs'] = _cheaper_clips(data['inputs'])
    losses = model(**data, mode='loss')
    # an SSKT config: one auxiliary loss per configured source
    sources = cfg.model.get('sources') or {}
    assert {k
            for k in losses if k.startswith('loss_aux_')
            } == {f'loss_aux_{name}'
                  for name in sources}
    loss = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(loss)
    loss.backward()
    grads = [p.grad for p in _trained_backbone(model).parameters()]
    assert grads and all(g is not None for g in grads)


def _cheaper_clips(inputs):
    """A video batch's centre 56 x 56 (of 112): a quarter of the 3D
    target's cost. What the step proves (the config builds, its parts fit
    and a loss reaches the backbone) does not depend on the clip size: the
    3D target pools adaptively and the adapters resize for the sources."""
    if inputs.dim() != 6:
        return inputs
    height, width = inputs.shape[-2:]
    top, left = (height - 56) // 2, (width - 56) // 2
    return inputs[..., top:top + 56, left:left + 56].contiguous()


def _trained_backbone(model):
    """The backbone a config trains: of the target (a DML's peer 0) or its
    own (a TorchvisionClassifier's network)."""
    if hasattr(model, 'net'):
        return model.net
    if hasattr(model, 'target'):
        return model.target.backbone
    return model.backbone


def test_cifar_resnet_fc_has_the_original_kaiming_init():
    cfg = load_config(
        osp.join(REPO, 'configs', '_base_', 'models', 'r20_cifar.py'))
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    # kaiming-normal, fan_in = 64: std sqrt(2 / 64) = 0.177 (mmpretrain's
    # default would be 0.01)
    assert model.head.fc.weight.std().item() == pytest.approx(0.177, rel=0.1)


def _lrs_by_name(model, optim_wrapper_cfg):
    with DefaultScope.overwrite_default_scope('sskt'):
        wrapper = build_optim_wrapper(model, optim_wrapper_cfg)
    names = {id(p): n for n, p in model.named_parameters()}
    return {
        names[id(p)]: group['lr']
        for group in wrapper.optimizer.param_groups
        for p in group['params']
    }


def test_video_fine_tuning_trains_layer4_classifier_and_branches(monkeypatch):
    use_tiny_sources(monkeypatch)
    cfg = load_config(
        osp.join(REPO, 'configs', 'sskt', 'r3d18_ucf101_pi_ft.py'))
    cfg.model.sources = dict(imagenet=dict(cfg.model.sources.imagenet))
    model = _build_model(cfg)
    lrs = _lrs_by_name(model, cfg.optim_wrapper)
    for name, lr in lrs.items():
        frozen = any(f'backbone.{part}' in name
                     for part in ('conv1', 'bn1', 'layer1', 'layer2',
                                  'layer3'))
        assert lr == (0 if frozen else 0.01), name
    # the original's behaviour: the branches at lr 0 too
    cfg.merge_from_dict(
        {'optim_wrapper.paramwise_cfg.custom_keys.aux_branches.lr_mult': 0})
    lrs = _lrs_by_name(model, cfg.optim_wrapper)
    assert all(lr == 0 for n, lr in lrs.items() if n.startswith('aux_'))
    assert lrs['target.cls_head.fc_cls.weight'] == 0.01


def test_a_row_reads_full_size_sources_in_their_published_layout(tmp_path):
    """The headline row's sources are the real ResNet-50s: torchvision's
    ImageNet state dict and CSAIL's Places365 ``.pth.tar`` load strictly
    into them, and each gives the logits of the network that was saved on
    the x7/3-upsampled batch. Also checks the stand-in's widths."""
    cfg = load_config(osp.join(REPO, 'configs', 'sskt', 'r20_stl10_pi.py'))
    sources = cfg.model.sources
    assert {(s.arch, s.num_classes)
            for s in sources.values()} == {('resnet50', 1000),
                                           ('resnet50', 365)}
    saved = {
        'imagenet':
        write_torchvision_checkpoint(
            str(tmp_path / 'resnet50_imagenet.pth'),
            arch='resnet50',
            num_classes=1000,
            seed=1),
        'places365':
        write_csail_checkpoint(
            str(tmp_path / 'resnet50_places365.pth.tar'),
            arch='resnet50',
            num_classes=365,
            seed=2),
    }
    for name, file in (('imagenet', 'resnet50_imagenet.pth'),
                       ('places365', 'resnet50_places365.pth.tar')):
        sources[name].checkpoint = str(tmp_path / file)
    model = _build_model(cfg)
    images = torch.randn(1, 3, 96, 96)
    # STL-10 is normalised as ImageNet: re-normalisation is the identity
    upsampled = F.interpolate(
        images, size=(224, 224), mode='bilinear', align_corners=False)
    for name, source in model.sources.items():
        assert not isinstance(source.net, TinySourceNet)
        source.init_weights()
        fc = source.net.fc
        assert fc.in_features == PENULTIMATE_WIDTHS['resnet50'] == 2048
        assert fc.out_features == source.num_classes
        with torch.no_grad():
            expected = saved[name](upsampled)
        torch.testing.assert_close(source(images), expected)
