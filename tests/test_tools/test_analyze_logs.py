"""Tests of tools/analysis_tools/analyze_logs.py, run in-process."""
import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import load_tool

# What mmengine's LoggerHook writes for 2 epochs of 4 iterations, logged
# every 2 iterations, with validation after each epoch.
LINES = [
    dict(
        lr=0.1,
        data_time=0.01,
        loss=2.0,
        time=0.5,
        epoch=1,
        iter=2,
        memory=10,
        step=2),
    dict(
        lr=0.1,
        data_time=0.01,
        loss=1.5,
        time=0.2,
        epoch=1,
        iter=4,
        memory=10,
        step=4),
    {
        'accuracy/top1': 30.0,
        'accuracy/top5': 80.0,
        'data_time': 0.005,
        'time': 0.05,
        'step': 1
    },
    dict(
        lr=0.01,
        data_time=0.01,
        loss=1.0,
        time=0.3,
        epoch=2,
        iter=6,
        memory=10,
        step=6),
    dict(
        lr=0.01,
        data_time=0.01,
        loss=0.8,
        time=0.1,
        epoch=2,
        iter=8,
        memory=10,
        step=8),
    {
        'accuracy/top1': 45.5,
        'accuracy/top5': 90.0,
        'data_time': 0.005,
        'time': 0.05,
        'step': 2
    },
]


@pytest.fixture(scope='module')
def tool():
    return load_tool('analysis_tools/analyze_logs.py')


def write_run(work_dir: Path, timestamp: str, lines) -> Path:
    path = work_dir / timestamp / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(line) + '\n' for line in lines))
    return path


@pytest.fixture
def work_dir(tmp_path):
    work_dir = tmp_path / 'r20_stl10'
    write_run(work_dir, '20240101_000000', LINES[:2])  # an older run
    write_run(work_dir, '20240102_000000', LINES)
    return work_dir


def test_resolve_and_load(tool, work_dir):
    latest = work_dir / '20240102_000000' / 'vis_data' / 'scalars.json'
    assert tool.resolve_log_path(str(work_dir)) == str(latest)
    assert tool.resolve_log_path(str(latest.parents[1])) == str(latest)
    assert tool.resolve_log_path(str(latest)) == str(latest)
    log = tool.load_scalars(str(work_dir))
    assert log['train'] == [LINES[i] for i in (0, 1, 3, 4)]
    assert log['val'] == [LINES[2], LINES[5]]
    assert tool.available_keys(log) == dict(
        train=['data_time', 'loss', 'lr', 'memory', 'time'],
        val=['accuracy/top1', 'accuracy/top5', 'data_time', 'time'])
    with pytest.raises(FileNotFoundError, match='missing'):
        tool.resolve_log_path(str(work_dir / 'missing'))
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        tool.resolve_log_path(str(work_dir.parent))


def test_series(tool, work_dir):
    log = tool.load_scalars(str(work_dir))
    xs, ys, x_label = tool.get_series(log, 'loss')
    assert x_label == 'iteration'
    np.testing.assert_array_equal(xs, [2, 4, 6, 8])
    np.testing.assert_array_equal(ys, [2.0, 1.5, 1.0, 0.8])
    xs, ys, x_label = tool.get_series(log, 'lr')
    np.testing.assert_array_equal(ys, [0.1, 0.1, 0.01, 0.01])
    xs, ys, x_label = tool.get_series(log, 'accuracy/top1')
    assert x_label == 'epoch'
    np.testing.assert_array_equal(xs, [1, 2])
    np.testing.assert_array_equal(ys, [30.0, 45.5])
    # ``time`` is in both phases: the training one is taken
    _, ys, _ = tool.get_series(log, 'time')
    np.testing.assert_array_equal(ys, [0.5, 0.2, 0.3, 0.1])


def test_unknown_key(tool, work_dir, tmp_path, capsys):
    log = tool.load_scalars(str(work_dir))
    with pytest.raises(ValueError) as exc:
        tool.get_series(log, 'accuracy')
    message = str(exc.value)
    assert 'unknown key "accuracy"' in message
    assert 'accuracy/top1' in message and 'loss' in message

    with pytest.raises(SystemExit) as exc:
        tool.main([
            'plot_curve',
            str(work_dir), '--keys', 'loss', 'acc', '--out',
            str(tmp_path / 'x.png')
        ])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert 'unknown key "acc"' in err and 'accuracy/top1' in err
    assert not (tmp_path / 'x.png').exists()


def test_plot_curve_writes_png(tool, work_dir, tmp_path, capsys):
    other = write_run(tmp_path / 'other', '20240103_000000', LINES)
    out = tmp_path / 'plots' / 'curves.png'
    assert tool.main([
        'plot_curve',
        str(work_dir),
        str(other), '--keys', 'loss', 'accuracy/top1', '--legend', 'a', 'b',
        '--title', 'r20', '--out',
        str(out)
    ]) == 0
    data = out.read_bytes()
    assert len(data) > 1000
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    assert str(out) in capsys.readouterr().out

    assert tool.default_legend(str(work_dir)) == 'r20_stl10/20240102_000000'
    with pytest.raises(SystemExit):  # one legend entry per log
        tool.main([
            'plot_curve',
            str(work_dir),
            str(other), '--legend', 'a', '--out',
            str(tmp_path / 'y.png')
        ])


def test_cal_train_time(tool, work_dir, capsys):
    log = tool.load_scalars(str(work_dir))
    result = tool.cal_train_time(log)
    # the first record of each epoch is left out: epoch 1 -> 0.2, 2 -> 0.1
    assert result['epoch_times'] == pytest.approx({1: 0.2, 2: 0.1})
    assert result['avg_iter_time'] == pytest.approx(0.15)
    assert result['slowest_epoch'] == 1 and result['fastest_epoch'] == 2
    assert result['epoch_time_std'] == pytest.approx(0.05)
    result = tool.cal_train_time(log, include_outliers=True)
    assert result['epoch_times'] == pytest.approx({1: 0.35, 2: 0.2})
    assert result['avg_iter_time'] == pytest.approx(0.275)

    assert tool.main(['cal_train_time', str(work_dir)]) == 0
    assert 'average iter time: 0.1500 s/iter' in capsys.readouterr().out


def test_iter_based_log(tool, tmp_path):
    lines = [
        dict(lr=0.1, loss=1.0, time=0.4, iter=10, step=10),
        dict(lr=0.1, loss=0.5, time=0.2, iter=20, step=20),
        {
            'accuracy/top1': 50.0,
            'step': 20
        },
    ]
    path = write_run(tmp_path, '20240101_000000', lines)
    log = tool.load_scalars(str(path))
    xs, _, x_label = tool.get_series(log, 'accuracy/top1')
    assert x_label == 'iteration' and list(xs) == [20]
    assert tool.cal_train_time(log) == dict(avg_iter_time=pytest.approx(0.3))
    with pytest.raises(ValueError, match='"time"'):
        tool.cal_train_time(dict(train=[dict(loss=1.0, iter=1)], val=[]))
