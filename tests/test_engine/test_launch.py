import argparse

import pytest
import torch
from mmengine.config import Config

from sskt.engine import launch
from sskt.utils.errors import (ConfigError, EnvironmentSetupError,
                               MissingFileError)


def _cfg(**extra):
    return Config(
        dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)), **extra))


def test_amp_without_cuda_fails_in_one_sentence(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(EnvironmentSetupError, match='--amp needs a CUDA GPU'):
        launch.enable_amp(_cfg())


@pytest.mark.parametrize('amp_dtype', [None, 'float16', 'bfloat16'])
def test_amp_uses_the_configured_dtype(monkeypatch, amp_dtype):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = _cfg() if amp_dtype is None else _cfg(amp_dtype=amp_dtype)
    launch.enable_amp(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.dtype == (amp_dtype or 'float16')
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.optim_wrapper.optimizer.lr == 0.1


def test_amp_rejects_unknown_dtype(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    with pytest.raises(ConfigError, match="amp_dtype must be one of"):
        launch.enable_amp(_cfg(amp_dtype='float8'))


def test_cpu_distributed_needs_torchrun_variables(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(EnvironmentSetupError, match='torchrun'):
        launch.prepare_cpu_distributed(_cfg())


def test_cpu_distributed_uses_gloo_and_no_device_ids(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    for key, value in dict(
            RANK='0', WORLD_SIZE='1', MASTER_ADDR='127.0.0.1',
            MASTER_PORT='29999').items():
        monkeypatch.setenv(key, value)
    started = []
    monkeypatch.setattr(launch.torch_dist, 'is_initialized', lambda: False)
    monkeypatch.setattr(launch.torch_dist, 'init_process_group',
                        lambda backend: started.append(backend))
    cfg = _cfg(env_cfg=dict(dist_cfg=dict(backend='nccl')))
    launch.prepare_cpu_distributed(cfg)
    assert started == ['gloo']
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg == dict(
        type='MMDistributedDataParallel', device_ids=None)


def test_load_config_names_the_missing_file(tmp_path):
    with pytest.raises(MissingFileError, match='nope.py does not exist'):
        launch.load_config(str(tmp_path / 'nope.py'))


def test_load_config_applies_overrides(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text('a = dict(b=1, c=2)\n')
    cfg = launch.load_config(str(path), {'a.b': 5})
    assert cfg.a == dict(b=5, c=2)


def test_no_workers_means_no_persistent_workers():
    cfg = Config(
        dict(
            train_dataloader=dict(num_workers=0, persistent_workers=True),
            val_dataloader=dict(num_workers=2, persistent_workers=True),
            test_dataloader=None))
    launch.disable_persistent_workers_without_workers(cfg)
    assert cfg.train_dataloader.persistent_workers is False
    assert cfg.val_dataloader.persistent_workers is True


def _tool_args(config, *argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    launch.add_common_arguments(parser)
    return parser.parse_args([str(config), *argv])


def test_work_dir_priority(tmp_path):
    config = tmp_path / 'r20_demo.py'
    config.write_text('a = 1\n')
    cfg = launch.load_tool_config(_tool_args(config))
    assert cfg.work_dir == 'work_dirs/r20_demo'
    assert cfg.launcher == 'none'
    cfg = launch.load_tool_config(
        _tool_args(config, '--cfg-options', 'work_dir=from_config'))
    assert cfg.work_dir == 'from_config'
    cfg = launch.load_tool_config(
        _tool_args(config, '--work-dir', 'flag', '--cfg-options',
                   'work_dir=from_config'))
    assert cfg.work_dir == 'flag'


def test_amp_converts_every_separate_wrapper(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = Config(
        dict(
            amp_dtype='bfloat16',
            optim_wrapper=dict(
                constructor='SeparateOptimWrapperConstructor',
                peers=dict(each_child=True, optimizer=dict(type='SGD'))),
        ))
    launch.enable_amp(cfg)
    assert 'type' not in cfg.optim_wrapper
    assert cfg.optim_wrapper.peers.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.peers.dtype == 'bfloat16'
    assert cfg.optim_wrapper.peers.each_child is True


def test_amp_leaves_the_shared_separate_settings_alone(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = Config(
        dict(
            optim_wrapper=dict(
                constructor='SeparateOptimWrapperConstructor',
                optimizer=dict(type='SGD', lr=0.1),
                peers=dict(each_child=True))))
    launch.enable_amp(cfg)
    assert cfg.optim_wrapper.optimizer == dict(type='SGD', lr=0.1)
    assert cfg.optim_wrapper.peers.type == 'AmpOptimWrapper'
