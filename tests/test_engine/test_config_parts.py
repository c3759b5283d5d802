"""Config parts: mmengine passes them on, load_config drops them."""
import os.path as osp

import pytest
from mmengine.config import Config

from sskt.engine import (config_parts, drop_config_parts, is_config_part,
                         load_config)
from sskt.utils.errors import ConfigError
from tests.helpers import REPO


@pytest.fixture
def configs(tmp_path):
    """A part library, a target base and rows using the parts both ways."""
    (tmp_path / '_base_').mkdir()
    (tmp_path / '_base_' / 'parts.py').write_text(
        "_src = dict(type='S', adapter=dict(scale=2))\n"
        "_sskt = dict(_delete_=True, type='SSKT',\n"
        "             aux=dict(neck=dict(type='TM'), loss=dict(type='CE')),\n"
        "             alpha=1.0)\n")
    (tmp_path / '_base_' / 'target.py').write_text(
        "model = dict(type='Cls', depth=20)\n"
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n")
    bases = "_base_ = ['./_base_/target.py', './_base_/parts.py']\n"
    (tmp_path / 'python_row.py').write_text(
        bases + 'model = dict(_base_._sskt, target=_base_.model,\n'
        '             sources=dict(a=_base_._src, b=_base_._src),\n'
        "             aux=dict(_base_._sskt.aux, neck=dict(type='NoTM')))\n")
    (tmp_path / 'braces_row.py').write_text(
        bases + "model = dict(_delete_=True, type='SSKT',\n"
        '             target={{_base_.model}},\n'
        '             sources=dict(a={{_base_._src}}, b={{_base_._src}}))\n')
    (tmp_path / 'child_row.py').write_text("_base_ = './python_row.py'\n"
                                           'model = dict(alpha=0.5)\n')
    return tmp_path


@pytest.mark.parametrize('name, part',
                         [('_sources', True), ('_aux_tm', True),
                          ('model', False), ('_base_', False),
                          ('_scope_', False), ('_delete_', False),
                          ('__hidden', False)])
def test_is_config_part(name, part):
    assert is_config_part(name) is part


def test_python_base_access_builds_the_row(configs):
    # `_base_._sskt` and the nested `_base_._sskt.aux` are plain Python in
    # mmengine 0.10.7; `_delete_` inside the part replaces the target's model
    cfg = Config.fromfile(str(configs / 'python_row.py'))
    assert cfg.model == {
        'type': 'SSKT',
        'aux': {
            'neck': {
                'type': 'NoTM'
            },
            'loss': {
                'type': 'CE'
            }
        },
        'alpha': 1.0,
        'target': {
            'type': 'Cls',
            'depth': 20
        },
        'sources': {
            'a': {
                'type': 'S',
                'adapter': {
                    'scale': 2
                }
            },
            'b': {
                'type': 'S',
                'adapter': {
                    'scale': 2
                }
            }
        },
    }
    # plain fromfile passes the parts on (harmless: nothing builds them)
    assert config_parts(cfg) == ['_src', '_sskt']


def test_parts_reach_the_grandchild(configs):
    cfg = load_config(str(configs / 'child_row.py'))
    assert cfg.model.alpha == 0.5
    assert cfg.model.aux.neck == {'type': 'NoTM'}
    assert cfg.model.target == {'type': 'Cls', 'depth': 20}


@pytest.mark.parametrize('row', ['python_row.py', 'braces_row.py'])
def test_load_config_drops_parts_and_keeps_settings(configs, row):
    plain = Config.fromfile(str(configs / row))
    cfg = load_config(str(configs / row))
    assert sorted(cfg.keys()) == ['model', 'optim_wrapper']
    assert cfg.model == plain.model
    assert cfg.optim_wrapper == {'optimizer': {'type': 'SGD', 'lr': 0.1}}
    assert cfg.filename == plain.filename and cfg.text == plain.text


@pytest.mark.parametrize('row', ['python_row.py', 'braces_row.py'])
def test_nothing_is_shared_after_load_config(configs, row):
    # {{_base_._src}} used twice is one object under plain fromfile
    plain = Config.fromfile(str(configs / row))
    cfg = load_config(str(configs / row))
    sources = cfg.model.sources
    assert sources.a is not sources.b
    assert sources.a.adapter is not sources.b.adapter
    sources.a.adapter.scale = 7
    assert sources.b.adapter.scale == 2
    if row == 'braces_row.py':
        assert plain.model.sources.a is plain.model.sources.b


def test_dumped_config_has_no_parts(configs, tmp_path):
    # the Runner dumps the Config it is given (Config.dump, pretty_text)
    cfg = load_config(str(configs / 'python_row.py'))
    out = tmp_path / 'dumped.py'
    cfg.dump(str(out))
    assert '_src' not in out.read_text()
    assert '_sskt' not in out.read_text()
    assert Config.fromfile(str(out)).model == cfg.model


def test_overriding_one_source_leaves_the_other():
    path = osp.join(REPO, 'configs', 'sskt', 'r20_cifar10_pi.py')
    cfg = load_config(path, {'model.sources.imagenet.adapter.scale_factor': 1})
    assert cfg.model.sources.imagenet.adapter.scale_factor == 1
    assert cfg.model.sources.places365.adapter.scale_factor == 7 / 3
    assert config_parts(cfg) == []


def test_overriding_a_part_is_refused(configs):
    with pytest.raises(ConfigError, match="'_src' is a config part"):
        load_config(str(configs / 'python_row.py'), {'_src.adapter.scale': 3})


def test_drop_config_parts_keeps_tuples():
    cfg = drop_config_parts(
        Config(
            dict(model=dict(out_indices=(0, 1), sizes=[1, (2, 3)]), _part=1)))
    assert cfg.to_dict() == {
        'model': {
            'out_indices': (0, 1),
            'sizes': [1, (2, 3)]
        }
    }
