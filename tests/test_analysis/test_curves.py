"""Tests of sskt.analysis.curves: grouped mean ± std curves into a PNG."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from sskt.analysis import find_runs, plot_runs
from sskt.analysis.curves import _plot_group, group_runs
from sskt.utils.errors import ConfigError
from tests.data.run_logs import write_run

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


@pytest.fixture
def runs(tmp_path):
    write_run(tmp_path / 'a0', '20260101_000000', [10, 30], seed=0, config='a')
    write_run(tmp_path / 'a1', '20260101_000001', [20, 50], seed=1, config='a')
    write_run(tmp_path / 'b', '20260101_000002', [5, 6, 7], config='b')
    return find_runs([str(tmp_path)])


def test_a_group_is_its_mean_with_a_one_std_band(runs):
    fig, ax = plt.subplots()
    _plot_group(
        ax, group_runs(runs)['a'], 'accuracy/top1', 'A', 'C0', per_run=False)
    (line, ) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2])
    np.testing.assert_allclose(line.get_ydata(), [15, 40])
    assert line.get_label() == 'A (n=2)'
    # the band spans mean ± sample std: 15 ± 7.07, 40 ± 14.14
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    np.testing.assert_allclose(band.min(), 15 - 5 * np.sqrt(2))
    np.testing.assert_allclose(band.max(), 40 + 10 * np.sqrt(2))
    assert ax.get_xlabel() == 'epoch'
    plt.close(fig)


def test_per_run_draws_every_run(runs):
    fig, ax = plt.subplots()
    _plot_group(
        ax, group_runs(runs)['a'], 'accuracy/top1', 'A', 'C0', per_run=True)
    assert [list(line.get_ydata()) for line in ax.lines] == [[10, 30],
                                                             [20, 50]]
    plt.close(fig)


def test_plot_runs_writes_one_png_with_a_subplot_per_metric(runs, tmp_path):
    out = tmp_path / 'plots' / 'curves.png'
    plot_runs(runs, ['accuracy/top1', 'loss'], str(out), {'a': 'A'}, title='t')
    assert out.read_bytes()[:8] == PNG_MAGIC
    single = tmp_path / 'single.png'
    plot_runs(runs, ['loss'], str(single))
    # two subplots stacked: twice the height of one, the same width
    height, width = plt.imread(str(single)).shape[:2]
    assert plt.imread(str(out)).shape[:2] == (2 * height, width)


def test_an_unknown_metric_lists_the_keys(runs, tmp_path):
    with pytest.raises(ConfigError, match="'mAP'.*accuracy/top1"):
        plot_runs(runs, ['mAP'], str(tmp_path / 'x.png'))
