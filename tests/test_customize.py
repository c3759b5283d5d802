"""docs/customize.md: modules from outside the package, via custom_imports."""
import re
import sys

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from sskt.engine import load_config
from sskt.models.distillers.sskt import SSKT
from sskt.models.losses import SoftTargetCELoss
from sskt.registry import MODELS
from tests.helpers import DIGITS_CONFIG, REPO

LOSS_MODULE = '''
import torch.nn.functional as F
from torch import nn

from sskt.registry import MODELS


@MODELS.register_module()
class TestMSESoftLoss(nn.Module):

    def __init__(self, T=1.0):
        super().__init__()
        self.T = T

    def forward(self, student_logits, teacher_logits):
        student = F.softmax(student_logits / self.T, dim=1)
        teacher = F.softmax(teacher_logits / self.T, dim=1)
        return (student - teacher).pow(2).sum(dim=1).mean()
'''

SOURCE = ("dict(type='FrozenSource', arch='resnet18', num_classes={}, "
          "allow_random=True, adapter=dict(type='SourceAdapter', "
          'scale_factor=1.0))')


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """``tmp_path`` on sys.path; forget its modules and registrations."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before_modules = set(sys.modules)
    before_names = set(MODELS.module_dict)
    yield tmp_path
    for name in set(sys.modules) - before_modules:
        if name.split('.')[0] in ('my_sskt_ext', 'my_project'):
            del sys.modules[name]
    for name in set(MODELS.module_dict) - before_names:
        MODELS._module_dict.pop(name)


def build(cfg):
    """Build ``cfg.model`` as the Runner does (default scope, preprocessor)."""
    model_cfg = cfg.model.copy()
    if 'data_preprocessor' in cfg:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(model_cfg)


def batch(model, n=4):
    generator = torch.Generator().manual_seed(0)
    data = dict(
        inputs=[
            torch.randint(
                0, 256, (3, 32, 32), generator=generator, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=[DataSample().set_gt_label(i) for i in range(n)])
    return model.data_preprocessor(data, training=True)


def test_loss_from_a_module_outside_the_package(outside):
    (outside / 'my_sskt_ext').mkdir()
    (outside / 'my_sskt_ext' / '__init__.py').write_text('')
    (outside / 'my_sskt_ext' / 'my_loss.py').write_text(LOSS_MODULE)
    config = outside / 'sskt_mse.py'
    config.write_text(
        f'_base_ = [{DIGITS_CONFIG!r}]\n'
        "custom_imports = dict(imports=['my_sskt_ext.my_loss'],\n"
        '                      allow_failed_imports=False)\n'
        "model = dict(_delete_=True, type='SSKT', target={{_base_.model}},\n"
        '    T=2.0, alpha=0.5, probe_input_shape=(3, 32, 32),\n'
        f'    sources=dict(imagenet={SOURCE.format(5)},\n'
        f'                 places365={SOURCE.format(7)}),\n'
        "    aux=dict(loss=dict(type='TestMSESoftLoss')),\n"
        '    aux_per_source=dict(places365=dict(\n'
        "        loss=dict(type='SoftTargetCELoss'))))\n")
    assert 'TestMSESoftLoss' not in MODELS.module_dict

    cfg = load_config(str(config), {'model.target.backbone.depth': 8})
    assert 'my_sskt_ext.my_loss' in sys.modules  # custom_imports ran
    model = build(cfg).eval()
    custom = sys.modules['my_sskt_ext.my_loss'].TestMSESoftLoss
    assert type(model.aux_losses['imagenet']) is custom
    assert model.aux_losses['imagenet'].T == 2.0  # SSKT's T, passed on
    assert type(model.aux_losses['places365']) is SoftTargetCELoss

    data = batch(model)
    with torch.no_grad():
        losses = model.loss(**data)
        feats = model.target.extract_feat(data['inputs'], stage='backbone')
        student = model.aux_branches['imagenet'](feats)
    teacher = model.sources['imagenet'](data['inputs'])
    by_hand = (F.softmax(student / 2, dim=1) -
               F.softmax(teacher / 2, dim=1)).pow(2).sum(dim=1).mean()
    assert set(losses) == {
        'loss_cls', 'loss_aux_imagenet', 'loss_aux_places365'
    }
    torch.testing.assert_close(losses['loss_aux_imagenet'], 0.5 * by_hand)


def doc_examples():
    """``{'my_project/x.py': code}`` of the docs' example files."""
    with open(f'{REPO}/docs/customize.md', encoding='utf-8') as f:
        blocks = re.findall(r'```python\n(.*?)```', f.read(), flags=re.S)
    return {
        block.split('\n', 1)[0][2:]: block
        for block in blocks if re.match(r'# my_project/my_\w+\.py\n', block)
    }


def test_every_doc_example_builds_and_trains(outside):
    examples = doc_examples()
    assert len(examples) == 6
    (outside / 'my_project').mkdir()
    (outside / 'my_project' / '__init__.py').write_text('')
    for path, code in examples.items():
        (outside / path).write_text(code)
    zoo_model = dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='sskt.CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=6, in_channels=64))
    with DefaultScope.overwrite_default_scope('sskt'):
        zoo = MODELS.build(zoo_model)
    torch.save({
        'meta': {},
        'state_dict': zoo.state_dict()
    }, outside / 'zoo.pth')
    imports = sorted(p[:-3].replace('/', '.') for p in examples)
    config = outside / 'custom.py'
    config.write_text(
        f'custom_imports = dict(imports={imports!r},\n'
        '                      allow_failed_imports=False)\n'
        "default_scope = 'sskt'\n"
        'data_preprocessor = dict(num_classes=10, mean=[120.0] * 3,\n'
        '                         std=[60.0] * 3)\n'
        "model = dict(type='MyWeightedSSKT', source_weights=dict(zoo=0.5),\n"
        "    target=dict(_scope_='mmpretrain', type='ImageClassifier',\n"
        "        backbone=dict(type='sskt.MyTinyNet'),\n"
        "        neck=dict(type='GlobalAveragePooling'),\n"
        "        head=dict(type='LinearClsHead', num_classes=10,\n"
        '                  in_channels=64)),\n'
        '    probe_input_shape=(3, 32, 32),\n'
        f'    sources=dict(tv={SOURCE.format(5)},\n'
        "        zoo=dict(type='MyMMPretrainSource', num_classes=6,\n"
        f"            model={zoo_model!r}, checkpoint={str(outside)!r} "
        "+ '/zoo.pth',\n"
        "            adapter=dict(type='SourceAdapter', scale_factor=1.0))),\n"
        "    aux=dict(neck=dict(type='MyConcatPoolNeck'),\n"
        "             head=dict(type='MyMLPHead', hidden=32),\n"
        "             loss=dict(type='MyMSELoss')),\n"
        '    aux_per_source=dict(\n'
        "        zoo=dict(loss=dict(type='SoftTargetCELoss'))))\n")
    cfg = load_config(str(config))
    model = build(cfg)
    model.init_weights()
    assert type(model).__name__ == 'MyWeightedSSKT'
    assert type(model.target.backbone).__name__ == 'MyTinyNet'
    for name, classes in (('tv', 5), ('zoo', 6)):
        neck, head = model.aux_branches[name]
        assert type(neck).__name__ == 'MyConcatPoolNeck'
        assert neck.out_channels == 16 + 32 + 64
        assert head.mlp[-1].out_features == classes
    assert type(model.aux_losses['tv']).__name__ == 'MyMSELoss'
    zoo_source = model.sources['zoo']
    for key, value in zoo.state_dict().items():  # init_weights loaded it
        assert torch.equal(zoo_source.net.state_dict()[key], value)

    data = batch(model)
    model.eval()
    with torch.no_grad():
        plain = SSKT.loss(model, **data)
        weighted = model.loss(**data)
    torch.testing.assert_close(weighted['loss_aux_zoo'],
                               0.5 * plain['loss_aux_zoo'])
    torch.testing.assert_close(weighted['loss_aux_tv'], plain['loss_aux_tv'])
    model.train()
    losses = model.loss(**data)
    sum(losses.values()).backward()
    assert all(p.grad is not None for p in model.aux_branches.parameters())
    assert all(p.grad is None for p in zoo_source.parameters())
