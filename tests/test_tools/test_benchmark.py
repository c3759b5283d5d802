"""tools/analysis_tools/benchmark.py on the fast CIFAR config: the real data
path (a CIFAR fixture, uint8 batches augmented by the preprocessor) against
the original style, in one process on the CPU."""
import pytest

from tests.data.cifar import write_cifar10
from tests.helpers import REPO, load_tool


def test_compare_original_on_the_fast_config(tmp_path, capsys):
    write_cifar10(str(tmp_path), num_train_per_batch=4)
    tool = load_tool('analysis_tools/benchmark.py')
    results = tool.main([
        f'{REPO}/configs/sskt/fast/r20_cifar10_pi_fast.py', '--iters', '2',
        '--warmup', '1', '--batch-size', '4', '--compare', 'original',
        '--random-sources', '--cfg-options',
        f'train_dataloader.dataset.data_root={tmp_path}',
        'train_dataloader.num_workers=0', 'train_dataloader.pin_memory=False',
        'model.target.backbone.depth=8'
    ])
    assert list(results) == ['as configured', 'original style']
    assert all(r.iters == 2 and r.batch_size == 4 for r in results.values())
    out = capsys.readouterr().out
    assert '| data loader alone |' in out
    assert 'speed-up over the original style:' in out


def test_missing_config_is_one_line(capsys):
    tool = load_tool('analysis_tools/benchmark.py')
    with pytest.raises(SystemExit):
        tool.main(['configs/nope.py'])
    assert 'does not exist' in capsys.readouterr().err
