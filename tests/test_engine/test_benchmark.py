"""Tests of sskt.engine.benchmark: timing through the real loop, the
original-style rewrite, and the data loader's own throughput."""
import pytest

from sskt.engine import load_config
from sskt.engine.benchmark import (RepeatedBatchLoader, ThroughputResult,
                                   benchmark_training, loader_throughput,
                                   original_style, throughput_table)
from sskt.utils.errors import ConfigError
from tests.helpers import DIGITS_CONFIG, REPO

FAST_CIFAR = f'{REPO}/configs/sskt/fast/r20_cifar10_pi_fast.py'


def _tiny_digits():
    return load_config(DIGITS_CONFIG, {'model.backbone.depth': 8})


def test_every_iteration_is_timed_and_the_rate_is_batch_over_median(tmp_path):
    result = benchmark_training(
        _tiny_digits(),
        str(tmp_path),
        iters=4,
        warmup=2,
        batch_size=6,
        synthetic=True,
        image_size=32)
    assert result.iters == 4 and result.batch_size == 6
    assert result.images_per_second == pytest.approx(
        6 / result.median_iter_seconds)
    assert result.device == 'cpu' and result.peak_memory_mib is None


def test_the_real_loader_path_and_the_loader_alone(tmp_path):
    result = benchmark_training(
        _tiny_digits(), str(tmp_path), iters=2, warmup=1, batch_size=8)
    assert result.iters == 2 and result.images_per_second > 0
    assert loader_throughput(
        _tiny_digits(), batches=3, warmup=1, batch_size=8) > 0


def test_bad_arguments_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match='image size'):
        benchmark_training(_tiny_digits(), str(tmp_path), synthetic=True)
    with pytest.raises(ConfigError, match='iters'):
        benchmark_training(_tiny_digits(), str(tmp_path), iters=0)


def test_original_style_undoes_every_fast_path_option():
    fast = load_config(FAST_CIFAR)
    fast.optim_wrapper.type = 'AmpOptimWrapper'
    fast.optim_wrapper.dtype = 'bfloat16'
    fast.optim_wrapper.optimizer.fused = True
    fast.compile = True
    fast.model.type = 'SSKTWithSoftLabelCache'
    fast.model.soft_label_cache = dict(num_samples=10)
    fast.custom_hooks.append(dict(type='sskt.CompileTargetHook'))
    original = original_style(fast)
    for source in original.model.sources.values():
        assert source.bn_mode == 'train' and source.autocast_dtype is None
    assert [h['type'] for h in original.custom_hooks
            ] == ['RNGStateHook', 'ClassCountCheckHook']
    assert original.optim_wrapper.type == 'OptimWrapper'
    assert 'dtype' not in original.optim_wrapper
    assert 'fused' not in original.optim_wrapper.optimizer
    assert 'compile' not in original
    assert original.model.type == 'SSKT'
    assert 'soft_label_cache' not in original.model
    # the given config is untouched
    assert len(fast.custom_hooks) == 5 and fast.compile
    assert fast.model.type == 'SSKTWithSoftLabelCache'


def test_repeated_batch_loader_and_table():
    loader = RepeatedBatchLoader(dict(inputs=1, data_samples=[0, 1]), 3)
    assert len(loader) == 3 and loader.batch_size == 2
    assert list(loader) == [loader.batch] * 3
    table = throughput_table(
        {
            'fast': ThroughputResult(300.0, 0.1, 5, 30, 512.4, 'cuda:0'),
            'original': ThroughputResult(100.0, 0.3, 5, 30, None, 'cpu')
        },
        loader_ips=1234.5)
    assert table.splitlines()[2:] == [
        '| fast | 300.0 | 1.00 | 100.0 | 512 |',
        '| original | 100.0 | 0.33 | 300.0 | n/a |',
        '| data loader alone | 1,234.5 | | | |',
    ]
