"""Tests of tools/misc/print_config.py, run in-process through ``main``."""
import pytest

from tests.helpers import load_tool


@pytest.fixture(scope='module')
def tool():
    return load_tool('misc/print_config.py')


@pytest.fixture
def config(tmp_path):
    (tmp_path / '_base_').mkdir()
    (tmp_path / '_base_' / 'model.py').write_text(
        "model = dict(type='CifarResNet', depth=20, num_classes=10)\n"
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n")
    path = tmp_path / 'r32.py'
    path.write_text("_base_ = ['./_base_/model.py']\n"
                    "default_scope = 'sskt'\n"
                    "model = dict(depth=32)\n")
    return path


def test_prints_merged_config(tool, config, capsys):
    assert tool.main([str(config)]) == 0
    out = capsys.readouterr().out
    assert "default_scope = 'sskt'" in out
    assert 'depth=32' in out
    assert 'num_classes=10' in out  # from _base_
    assert "type='CifarResNet'" in out
    assert 'lr=0.1' in out


def test_cfg_options(tool, config, capsys):
    tool.main([
        str(config), '--cfg-options', 'optim_wrapper.optimizer.lr=0.05',
        'model.num_classes=100'
    ])
    out = capsys.readouterr().out
    assert 'lr=0.05' in out and 'lr=0.1' not in out
    assert 'num_classes=100' in out


def test_missing_config(tool, tmp_path, capsys):
    missing = tmp_path / 'nope.py'
    with pytest.raises(SystemExit) as exc:
        tool.main([str(missing)])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f'error: Config file {missing} does not exist' in err
    assert 'Traceback' not in err
