"""Tests of sskt.analysis.summary against hand-computed means and stds."""
import csv
import math

import pytest

from sskt.analysis import (Stat, choose_metric, find_runs, summarize,
                           to_markdown, write_csv)
from sskt.utils.errors import ConfigError
from tests.data.run_logs import write_run

# config A, 3 seeds: best 70/80/75 -> 75 ± 5; last 60/80/70 -> 70 ± 10;
# test 61/79/70 -> 70 ± 9 (deviations -9, 9, 0: variance 162 / 2 = 81)
A_VAL = ([50, 70, 60], [40, 80, 80], [60, 75, 70])
A_TEST = (61, 79, 70)


@pytest.fixture
def runs(tmp_path):
    for seed, (val, test) in enumerate(zip(A_VAL, A_TEST)):
        write_run(
            tmp_path / 'a' / f'seed{seed}',
            f'20260101_00000{seed}',
            val,
            seed=seed,
            config='cfg_a',
            test=test)
    # config B: one run, never tested
    write_run(
        tmp_path / 'b', '20260101_000100', [30, 20], seed=4, config='cfg_b')
    return find_runs([str(tmp_path)])


def test_mean_and_sample_std_of_best_last_and_test(runs):
    a, b = summarize(runs)
    assert a.name == 'cfg_a' and a.seeds == [0, 1, 2]
    assert a.stats['best'].values == [70, 80, 75]
    assert (a.stats['best'].mean, a.stats['best'].std) == (75, 5)
    assert (a.stats['last'].mean, a.stats['last'].std) == (70, 10)
    assert a.stats['test'].mean == 70
    assert a.stats['test'].std == pytest.approx(9)
    assert (b.stats['best'].values, b.stats['last'].values) == ([30], [20])
    assert math.isnan(b.stats['best'].std) and b.stats['test'].n == 0


def test_markdown_table(runs):
    table = to_markdown(summarize(runs), 'accuracy/top1')
    assert table.splitlines() == [
        '| config | runs | seeds | best accuracy/top1 | last accuracy/top1 '
        '| test accuracy/top1 |',
        '|---|---|---|---|---|---|',
        '| cfg_a | 3 | 0, 1, 2 | 75.00 ± 5.00 | 70.00 ± 10.00 '
        '| 70.00 ± 9.00 |',
        '| cfg_b | 1 | 4 | 30.00 | 20.00 | – |',
    ]


def test_labels_order_and_columns(runs):
    summaries = summarize(runs, order=['cfg_b'])
    assert [s.name for s in summaries] == ['cfg_b', 'cfg_a']
    table = to_markdown(
        summaries, 'top-1', {'cfg_a': 'Scratch'}, columns=['test'], digits=1)
    assert table.splitlines()[0] == \
        '| method | config | runs | seeds | test top-1 |'
    assert table.splitlines()[3] == \
        '| Scratch | cfg_a | 3 | 0, 1, 2 | 70.0 ± 9.0 |'


def test_csv_has_full_precision_mean_std_and_n(runs, tmp_path):
    path = tmp_path / 'results.csv'
    write_csv(summarize(runs), 'accuracy/top1', str(path))
    rows = list(csv.DictReader(path.open()))
    assert rows[0]['config'] == 'cfg_a' and rows[0]['seeds'] == '0 1 2'
    assert float(rows[0]['best_mean']) == 75
    assert float(rows[0]['last_std']) == 10
    assert float(rows[0]['test_std']) == pytest.approx(9)
    assert rows[0]['test_n'] == '3'
    assert rows[1]['best_std'] == '' and rows[1]['test_n'] == '0'


def test_rule_less_takes_the_minimum(tmp_path):
    write_run(tmp_path, '20260101_000000', [3.0, 1.0, 2.0], metric='val_loss')
    runs = find_runs([str(tmp_path)])
    assert choose_metric(runs) == 'val_loss'
    (summary, ) = summarize(runs)  # "loss" in the name: less is better
    assert summary.stats['best'].values == [1.0]
    (summary, ) = summarize(runs, rule='greater')
    assert summary.stats['best'].values == [3.0]


def test_metric_choice_and_errors(runs):
    assert choose_metric(runs) == 'accuracy/top1'
    with pytest.raises(ConfigError, match="'mAP' is in no run"):
        summarize(runs, 'mAP')
    with pytest.raises(ConfigError, match='rule'):
        summarize(runs, rule='bigger')
    with pytest.raises(ConfigError, match='no runs'):
        summarize([])


def test_stat_format():
    assert Stat([]).format() == '–'
    assert Stat([1.234]).format() == '1.23'
    assert Stat([1.0, 3.0]).format(1) == '2.0 ± 1.4'
