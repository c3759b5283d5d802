"""Tests of tools/run_seeds.py, run in-process on tiny digits runs."""
import re

import pytest
import torch

from sskt.analysis import to_markdown
from tests.helpers import DIGITS_CONFIG, load_tool, tiny_digits_overrides


@pytest.fixture(scope='module')
def tool():
    return load_tool('run_seeds.py')


def _options(tmp_path):
    """tiny_digits_overrides as --cfg-options (the tool sets the rest)."""
    overrides = tiny_digits_overrides(str(tmp_path), max_epochs=1)
    return [
        f'{key}={value}' for key, value in overrides.items()
        if key not in ('work_dir', 'experiment_name')
    ]


def test_each_seed_trains_tests_and_is_summarised(tool, tmp_path, capsys):
    argv = [
        DIGITS_CONFIG, '--seeds', '3', '5', '--work-dir',
        str(tmp_path), '--cfg-options'
    ] + _options(tmp_path)
    (summary, ) = tool.main(argv)
    assert summary.name == 'r20_digits' and summary.seeds == [3, 5]
    printed = [
        float(x) for x in re.findall(r'test: accuracy/top1 ([\d.]+)',
                                     capsys.readouterr().out)
    ]
    assert summary.stats['test'].values == pytest.approx(printed, abs=5e-3)
    # the final validation is the same evaluation as the test here
    assert summary.stats['last'].values == pytest.approx(
        summary.stats['test'].values)
    assert (tmp_path / 'results.md').read_text() == to_markdown(
        [summary], 'accuracy/top1')
    assert (tmp_path / 'results.csv').read_text().startswith('config,')
    # different seeds: different initial weights, so different results
    first, second = (
        torch.load(tmp_path / f'seed{s}' / 'epoch_1.pth',
                   weights_only=True)['state_dict']['backbone.conv1.weight']
        for s in (3, 5))
    assert not torch.equal(first, second)


def test_repeated_seeds_are_refused(tool, tmp_path, capsys):
    with pytest.raises(SystemExit):
        tool.main([DIGITS_CONFIG, '--seeds', '1', '1'])
    assert 'repeats' in capsys.readouterr().err
