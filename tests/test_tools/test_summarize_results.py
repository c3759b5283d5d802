"""Tests of tools/analysis_tools/{summarize_results,plot_curves}.py."""
import csv

import pytest

from tests.data.run_logs import write_run
from tests.helpers import load_tool


@pytest.fixture(scope='module')
def summarize_tool():
    return load_tool('analysis_tools/summarize_results.py')


@pytest.fixture(scope='module')
def plot_tool():
    return load_tool('analysis_tools/plot_curves.py')


@pytest.fixture
def work_dirs(tmp_path):
    # two configs in separate trees; seeds 0..3 of "kd" with last values
    # 60, 62, 64, 66 (mean 63, sample std sqrt(20/3) = 2.582)
    for seed in range(4):
        write_run(
            tmp_path / 'kd' / f'seed{seed}',
            f'20260101_00000{seed}', [50, 60 + 2 * seed],
            seed=seed,
            config='r20_kd',
            test=60 + 2 * seed)
    write_run(
        tmp_path / 'other' / 'scratch',
        '20260101_000100', [40, 45],
        config='r20_scratch')
    return [str(tmp_path / 'kd'), str(tmp_path / 'other')]


def test_table_markdown_and_csv(summarize_tool, work_dirs, tmp_path, capsys):
    md, table_csv = tmp_path / 'r.md', tmp_path / 'r.csv'
    summaries = summarize_tool.main(work_dirs + [
        '--columns', 'last', 'test', '--out-md',
        str(md), '--out-csv',
        str(table_csv)
    ])
    assert [s.name for s in summaries] == ['r20_kd', 'r20_scratch']
    out = capsys.readouterr().out
    assert '| r20_kd | 4 | 0, 1, 2, 3 | 63.00 ± 2.58 | 63.00 ± 2.58 |' in out
    assert '| r20_scratch | 1 | 0 | 45.00 | – |' in out
    assert md.read_text() in out
    rows = list(csv.DictReader(table_csv.open()))
    assert float(rows[0]['last_std']) == pytest.approx((20 / 3)**0.5)


def test_bad_paths_and_metrics_are_one_line_errors(summarize_tool, work_dirs,
                                                   tmp_path, capsys):
    with pytest.raises(SystemExit):
        summarize_tool.main([str(tmp_path / 'missing')])
    assert 'not a directory' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        summarize_tool.main(work_dirs + ['--metric', 'mAP'])
    assert "'mAP' is in no run" in capsys.readouterr().err


def test_plot_curves_writes_the_png(plot_tool, work_dirs, tmp_path):
    out = tmp_path / 'c.png'
    assert plot_tool.main(
        work_dirs +
        ['--metrics', 'accuracy/top1', 'loss', '--out',
         str(out), '--per-run']) == str(out)
    assert out.read_bytes()[:4] == b'\x89PNG'
