"""``--resume`` on a damaged work dir: fall back, or one paragraph."""
import shutil

import pytest
import torch

from sskt.engine import resume
from sskt.engine.resume import find_resume_checkpoint, step_checkpoints
from sskt.utils.errors import MalformedFileError
from tests.helpers import DIGITS_CONFIG, load_tool, tiny_digits_overrides


@pytest.fixture(scope='module')
def train_tool():
    return load_tool('train.py')


def _argv(work_dir, max_epochs):
    overrides = tiny_digits_overrides(str(work_dir), max_epochs=max_epochs)
    overrides.update({
        'randomness.deterministic': True,
        'default_hooks.checkpoint.max_keep_ckpts': 3,
    })
    return [DIGITS_CONFIG, '--cfg-options'
            ] + [f'{key}={value}' for key, value in overrides.items()]


@pytest.fixture(scope='module')
def finished_run(train_tool, tmp_path_factory):
    """A 3-epoch run that kept epoch_1.pth, epoch_2.pth and epoch_3.pth."""
    work_dir = tmp_path_factory.mktemp('finished')
    train_tool.main(_argv(work_dir, 3))
    return work_dir


@pytest.fixture
def work_dir(finished_run, tmp_path):
    copy = tmp_path / 'run'
    shutil.copytree(finished_run, copy)
    # last_checkpoint holds an absolute path: point it into the copy
    (copy / 'last_checkpoint').write_text(str(copy / 'epoch_3.pth'))
    return copy


@pytest.fixture
def warnings(monkeypatch):
    """The messages find_resume_checkpoint logs."""
    logged = []
    monkeypatch.setattr(resume, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    return logged


def _weights(path):
    return torch.load(path, weights_only=True)['state_dict']


def test_step_checkpoints_are_sorted_by_step(work_dir):
    shutil.copy(work_dir / 'epoch_1.pth', work_dir / 'epoch_10.pth')
    names = [p.split('/')[-1] for p in step_checkpoints(str(work_dir))]
    assert names == [
        'epoch_10.pth', 'epoch_3.pth', 'epoch_2.pth', 'epoch_1.pth'
    ]


def test_a_truncated_last_checkpoint_falls_back_to_the_previous_one(
        train_tool, work_dir, finished_run, warnings):
    last = work_dir / 'epoch_3.pth'
    last.write_bytes(last.read_bytes()[:1000])
    assert find_resume_checkpoint(str(work_dir)) == str(work_dir /
                                                        'epoch_2.pth')
    assert f'{last} cannot be read (1000 bytes' in warnings[0]
    assert warnings[1] == f'Resuming from {work_dir / "epoch_2.pth"} instead.'

    # what a killed save leaves behind goes when training starts again
    for stale in ('epoch_7.pth.tmp', 'last_checkpoint.tmp'):
        (work_dir / stale).write_bytes(b'half')
    # epoch 3 is trained again, exactly as the first time
    runner = train_tool.main(_argv(work_dir, 3) + ['--resume'])
    assert runner.epoch == 3
    assert not list(work_dir.glob('*.tmp'))
    expected = _weights(finished_run / 'epoch_3.pth')
    for key, value in _weights(work_dir / 'epoch_3.pth').items():
        assert torch.equal(value, expected[key]), key


def test_an_empty_last_checkpoint_file_falls_back_to_the_newest(
        work_dir, warnings):
    (work_dir / 'last_checkpoint').write_text('')
    assert find_resume_checkpoint(str(work_dir)) == str(work_dir /
                                                        'epoch_3.pth')
    assert f'{work_dir / "last_checkpoint"} is empty' in warnings[0]


def test_a_missing_named_checkpoint_falls_back(work_dir):
    (work_dir / 'epoch_3.pth').unlink()
    assert find_resume_checkpoint(str(work_dir)) == str(work_dir /
                                                        'epoch_2.pth')


def test_an_empty_work_dir_starts_from_scratch(tmp_path):
    assert find_resume_checkpoint(str(tmp_path)) is None


def test_no_readable_checkpoint_is_one_paragraph_listing_them(
        train_tool, work_dir, capsys):
    for name in ('epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth'):
        (work_dir / name).write_bytes(b'')
    with pytest.raises(MalformedFileError) as error:
        find_resume_checkpoint(str(work_dir))
    for name in ('epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth'):
        assert f'{work_dir / name} cannot be read (0 bytes' in str(error.value)
    assert '\n' not in str(error.value)

    with pytest.raises(SystemExit) as exit_info:
        train_tool.main(_argv(work_dir, 4) + ['--resume'])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f'error: --resume found no readable checkpoint in '
                          f'{work_dir}')
    assert 'Traceback' not in err


@pytest.mark.parametrize('damage', ['truncated', 'missing', 'not_training'])
def test_resume_path_that_cannot_be_read_is_one_paragraph(
        damage, train_tool, work_dir, capsys):
    path = work_dir / 'epoch_2.pth'
    if damage == 'truncated':
        path.write_bytes(path.read_bytes()[:500])
    elif damage == 'missing':
        path.unlink()
    else:
        torch.save({'w': torch.zeros(1)}, path)
    with pytest.raises(SystemExit) as exit_info:
        train_tool.main(_argv(work_dir, 4) + ['--resume', str(path)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f'error: Checkpoint {path} ')
    assert err.count('\n') == 1 and 'Traceback' not in err
