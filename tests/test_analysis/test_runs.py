"""Tests of sskt.analysis.runs: finding runs, resumes, seeds, test lines."""
import pytest

from sskt.analysis import find_runs, latest_run
from sskt.analysis.runs import read_test_metrics, run_name
from sskt.utils.errors import MalformedFileError, MissingFileError
from tests.data.run_logs import write_run, write_test


def test_runs_are_found_recursively_with_name_seed_and_test(tmp_path):
    write_run(
        tmp_path / 'a' / 'seed0',
        '20260101_000000', [50, 70],
        seed=0,
        config='r20_a',
        test=71)
    write_run(
        tmp_path / 'a' / 'seed1',
        '20260101_000100', [40, 80],
        seed=1,
        config='r20_a')
    write_run(tmp_path / 'b', '20260101_000200', [10], seed=7, config='r20_b')
    runs = find_runs([str(tmp_path)])
    assert [(r.name, r.seed) for r in runs] == [('r20_a', 0), ('r20_a', 1),
                                                ('r20_b', 7)]
    assert [line['accuracy/top1'] for line in runs[0].val] == [50, 70]
    assert runs[0].test['accuracy/top1'] == 71
    assert runs[1].test is None
    assert len(runs[0].train) == 4  # 2 epochs of 2 iterations


def test_a_resumed_training_continues_its_run(tmp_path):
    write_run(tmp_path, '20260101_000000', [50, 60], config='c')
    write_run(tmp_path, '20260101_010000', [65, 70], config='c', first_epoch=3)
    (run, ) = find_runs([str(tmp_path)])
    assert [line['accuracy/top1'] for line in run.val] == [50, 60, 65, 70]
    assert run.timestamps == ['20260101_000000', '20260101_010000']


def test_training_again_in_the_same_work_dir_is_a_new_run(tmp_path):
    write_run(tmp_path, '20260101_000000', [50, 60], seed=0, config='c')
    write_run(tmp_path, '20260101_010000', [55, 75], seed=1, config='c')
    runs = find_runs([str(tmp_path)])
    assert [r.seed for r in runs] == [0, 1]
    assert latest_run(str(tmp_path)).val[-1]['accuracy/top1'] == 75


def test_a_later_tools_test_result_belongs_to_the_latest_run(tmp_path):
    write_run(tmp_path, '20260101_000000', [50, 60], config='c', test=1)
    # tools/test.py: a timestamp directory of its own, with no vis scalars
    write_test(tmp_path / '20260101_020000', {'accuracy/top1': 61.5})
    (run, ) = find_runs([str(tmp_path)])
    assert run.test['accuracy/top1'] == 61.5


def test_name_falls_back_to_the_work_dir_and_seed_may_be_absent(tmp_path):
    work_dir = tmp_path / 'my_run'
    write_run(work_dir, '20260101_000000', [50], seed=None, config='one')
    (work_dir / 'two.py').write_text('x = 1\n')
    (run, ) = find_runs([str(tmp_path)])
    assert run.name == 'my_run' == run_name(str(work_dir))
    assert run.seed is None


def test_missing_and_empty_directories_are_clear_errors(tmp_path):
    with pytest.raises(MissingFileError, match='not a directory'):
        find_runs([str(tmp_path / 'nope')])
    with pytest.raises(MissingFileError, match='no run under'):
        find_runs([str(tmp_path)])
    with pytest.raises(MissingFileError, match='no run in'):
        latest_run(str(tmp_path))


def test_a_broken_log_line_names_the_file(tmp_path):
    run_dir = write_run(tmp_path, '20260101_000000', [50], config='c')
    (run_dir / f'{run_dir.name}.json').write_text('{"accuracy/top1": \n')
    with pytest.raises(MalformedFileError, match=f'{run_dir.name}.json:1'):
        read_test_metrics(str(run_dir))
