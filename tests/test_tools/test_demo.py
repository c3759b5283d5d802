"""Tests of tools/demo.py: every demo config trains through the Runner, and
the table and curves come out (a shortened run: 1 epoch, 10 images)."""
import io
import os.path as osp
import re
from contextlib import redirect_stdout

import pytest
from mmengine.config import Config

from sskt.utils.errors import MissingFileError
from tests.helpers import load_tool

SHORT = [
    '--epochs', '1', '--source-epochs', '1', '--seeds', '0', '1',
    '--cfg-options', 'train_dataloader.dataset.indices=10',
    'val_dataloader.dataset.indices=20', 'test_dataloader.dataset.indices=20'
]


@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    """Run the shortened demo once; returns (tool, work_dir, rows, out)."""
    tool = load_tool('demo.py')
    work_dir = str(tmp_path_factory.mktemp('demo'))
    stdout = io.StringIO()
    with redirect_stdout(stdout):
        rows = tool.main(['--work-dir', work_dir] + SHORT)
    return tool, work_dir, rows, stdout.getvalue()


def test_every_method_and_seed_is_a_row_with_mean_and_std(demo):
    tool, work_dir, rows, out = demo
    assert [r.name for r in rows] == [config for _, config in tool.METHODS]
    assert all(r.seeds == [0, 1] for r in rows)
    # the table holds the test accuracies the progress lines printed
    printed = [
        float(x)
        for x in re.findall(r'seed \d \.\.\. test top-1 ([\d.]+)%', out)
    ]
    tested = [v for r in rows for v in r.stats['test'].values]
    assert tested == pytest.approx(printed, abs=5e-3)
    results = open(osp.join(work_dir, 'results.md')).read()
    for (label, config), row in zip(tool.METHODS, rows):
        line = f"| {label} | {config} | 2 | 0, 1 | " \
               f"{row.stats['test'].format()} |"
        assert line in results and line in out
    assert '±' in results
    assert open(osp.join(work_dir, 'curves.png'), 'rb').read(4) == \
        b'\x89PNG'


def test_every_demo_config_trained_through_the_runner(demo):
    tool, work_dir, rows, _ = demo
    for name in ('source', 'teacher'):
        assert osp.isfile(osp.join(work_dir, name, 'epoch_1.pth'))
    for row in rows:
        for run in row.runs:
            assert run.train and run.train[-1]['epoch'] == 1
            assert run.val and run.test is not None


def test_kd_and_sskt_read_what_the_demo_trained(demo):
    _, work_dir, _, _ = demo

    def dumped(config):
        return Config.fromfile(
            osp.join(work_dir, config, 'seed0', f'{config}.py'))

    kd = dumped('r20_digits04_kd')
    assert kd.model.teacher.checkpoint == osp.join(work_dir, 'teacher',
                                                   'epoch_1.pth')
    for config in ('r20_digits04_sskt_linear', 'r20_digits04_sskt_tm'):
        source = dumped(config).model.sources.digits59
        assert source.checkpoint == osp.join(work_dir, 'source', 'epoch_1.pth')


def test_a_missing_checkpoint_record_is_a_clear_error(tmp_path):
    tool = load_tool('demo.py')
    with pytest.raises(MissingFileError, match='has no last_checkpoint'):
        tool.last_checkpoint(str(tmp_path))
