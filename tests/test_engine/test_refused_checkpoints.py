"""A crafted checkpoint is refused with one paragraph at every entry point.

The file pickles ``os.system('touch <marker>')``: loaded unsafely it would
create the marker. Each entry point (``tools/test.py``, ``--resume``,
``load_from``, the ``init_cfg`` loaders, an SSKT source, a KD teacher and the
tools that read checkpoints) must print the paragraph
:func:`sskt.engine.read_checkpoint` raises, with only its ``what`` differing,
exit with status 1 and never create the marker.
"""
import os
import os.path as osp
import shlex
import socket
import uuid
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope

from sskt.engine import read_checkpoint
from sskt.registry import MODELS
from sskt.utils.cli import exit_on_user_error
from sskt.utils.errors import RefusedCheckpointError
from tests.helpers import DIGITS_CONFIG, REPO, load_tool

DEMO = osp.join(REPO, 'configs', 'demo')
NEVER_UNSAFE = ('A file like this can run code when it is loaded with '
                'torch.load(weights_only=False); sskt never loads a file '
                'that way.')


class Payload:
    """Unpickles as ``os.system('touch <marker>')``, as a crafted file does.

    Args:
        marker (str): The file the payload would create.
    """

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {shlex.quote(self.marker)}', )


@pytest.fixture(scope='module')
def tools():
    return SimpleNamespace(
        train=load_tool('train.py'),
        test=load_tool('test.py'),
        extract=load_tool('model_converters/extract_target.py'),
        check=load_tool('analysis_tools/check_source.py'))


@pytest.fixture
def evil(tmp_path):
    """A checkpoint-shaped file whose unpickling would run a command."""
    marker = str(tmp_path / 'PWNED')
    path = str(tmp_path / 'evil.pth')
    torch.save(
        dict(
            meta=dict(epoch=1, iter=1),
            state_dict={'backbone.conv1.weight': torch.zeros(1)},
            payload=Payload(marker)), path)
    yield SimpleNamespace(path=path, marker=marker)
    assert not osp.exists(marker), 'the payload ran'


def expected_paragraph(path: str, what: str) -> str:
    """What every entry point prints: read_checkpoint's own message."""
    with pytest.raises(RefusedCheckpointError) as info:
        read_checkpoint(path, what=what)
    return f'error: {info.value}'


def run_tool(main, argv, capsys) -> str:
    """Run a tool's main, expect exit status 1, return its stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 1
    return capsys.readouterr().err


def assert_refused(err: str, path: str, what: str) -> None:
    """``err`` ends with the shared refusal paragraph about ``path``."""
    assert 'Traceback' not in err
    paragraph = err.rstrip('\n').splitlines()[-1]
    assert paragraph.startswith(f'error: {what} {path} was refused: it asks '
                                'to unpickle posix.system, ')
    assert NEVER_UNSAFE in paragraph
    assert 'will likely succeed' not in err
    assert paragraph == expected_paragraph(path, what)


def run_in(work_dir: str, *options: str) -> list:
    """``--work-dir`` and ``--cfg-options`` with a fresh experiment name.

    A fresh name gives a fresh MMLogger: one created by an earlier test
    still writes to that test's closed capture stream.
    """
    return [
        '--work-dir', work_dir, '--cfg-options',
        f'experiment_name=test_{uuid.uuid4().hex[:8]}', *options
    ]


def test_the_payload_runs_when_loaded_unsafely(tmp_path):
    # what the marker checks mean: torch.load(weights_only=False) runs it
    marker = tmp_path / 'RAN'
    torch.save({'payload': Payload(str(marker))}, tmp_path / 'evil.pth')
    torch.load(tmp_path / 'evil.pth', weights_only=False)
    assert marker.exists()


SSKT_DEMO = osp.join(DEMO, 'r20_digits04_sskt_linear.py')
KD_DEMO = osp.join(DEMO, 'r20_digits04_kd.py')
INIT_CFG = 'model.backbone.init_cfg'

#: entry point -> (tool, how the message names the file, arguments,
#: ``--cfg-options`` of a Runner tool or None); ``{evil}`` is the crafted
#: file, ``{work}`` the test's directory.
ENTRY_POINTS = {
    'tools/test.py': ('test', 'Checkpoint', [DIGITS_CONFIG, '{evil}'], []),
    '--resume': ('train', 'Checkpoint', [DIGITS_CONFIG, '--resume',
                                         '{evil}'], []),
    'load_from':
    ('train', 'Checkpoint', [DIGITS_CONFIG], ['load_from={evil}']),
    'init_cfg Pretrained':
    ('train', 'Checkpoint', [DIGITS_CONFIG],
     [f'{INIT_CFG}.type=Pretrained', f'{INIT_CFG}.checkpoint={{evil}}']),
    'init_cfg TorchvisionResNetPretrained':
    ('train', 'Source checkpoint', [DIGITS_CONFIG], [
        f'{INIT_CFG}.type=sskt.TorchvisionResNetPretrained',
        f'{INIT_CFG}.checkpoint={{evil}}'
    ]),
    'SSKT source': ('train', 'Source checkpoint', [SSKT_DEMO],
                    ['model.sources.digits59.checkpoint={evil}']),
    'KD teacher': ('train', 'Source checkpoint', [KD_DEMO], [
        'model.teacher.checkpoint={evil}',
        f'model.teacher.config={DEMO}/r56_digits04_teacher.py'
    ]),
    'extract_target.py':
    ('extract', 'Checkpoint', ['{evil}', '{work}/out.pth'], None),
    'check_source.py': ('check', 'Source checkpoint', [
        SSKT_DEMO, '{work}/grey.png', '--cfg-options',
        'model.sources.digits59.checkpoint={evil}'
    ], None),
}


@pytest.mark.parametrize('entry', list(ENTRY_POINTS))
def test_crafted_checkpoint_is_refused_with_one_paragraph(
        entry, tools, evil, tmp_path, capsys):
    tool, what, args, options = ENTRY_POINTS[entry]
    cv2.imwrite(
        str(tmp_path / 'grey.png'), np.full((32, 32, 3), 128, np.uint8))
    argv = args if options is None else args + run_in('{work}', *options)
    argv = [a.format(evil=evil.path, work=tmp_path) for a in argv]
    err = run_tool(getattr(tools, tool).main, argv, capsys)
    assert_refused(err, evil.path, what)


def test_kinetics_init_cfg_gives_the_same_paragraph(evil, capsys):
    with DefaultScope.overwrite_default_scope('sskt'):
        backbone = MODELS.build(
            dict(
                type='HaraResNet3d',
                depth=10,
                init_cfg=dict(
                    type='HaraKineticsPretrained', checkpoint=evil.path)))
    err = run_tool(
        exit_on_user_error(lambda _: backbone.init_weights()), [], capsys)
    assert_refused(err, evil.path, 'Kinetics checkpoint')


@pytest.mark.parametrize('damage', ['truncated', 'empty'])
def test_damaged_checkpoint_cannot_be_read(damage, tools, tmp_path, capsys):
    path = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {'w': torch.zeros(64)}}, path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2] if damage == 'truncated' else b'')
    err = run_tool(tools.test.main,
                   [DIGITS_CONFIG, str(path)] + run_in(str(tmp_path)), capsys)
    assert 'Traceback' not in err
    paragraph = err.rstrip('\n').splitlines()[-1]
    assert paragraph.startswith(f'error: Checkpoint {path} cannot be read '
                                f'({path.stat().st_size} bytes; ')
    assert 'it is damaged, e.g. truncated by a kill or a full disk' in \
        paragraph
    assert 'weights_only' not in paragraph


def test_url_load_from_is_refused_without_a_download(tools, tmp_path, capsys,
                                                     monkeypatch):

    def no_network(*args, **kwargs):
        raise AssertionError('sskt tried to open a connection')

    monkeypatch.setattr(socket.socket, 'connect', no_network)
    monkeypatch.setattr(socket, 'create_connection', no_network)
    url = 'https://download.openmmlab.com/x/epoch_1.pth'
    err = run_tool(tools.train.main,
                   [DIGITS_CONFIG] + run_in(str(tmp_path), f'load_from={url}'),
                   capsys)
    assert err.rstrip('\n').splitlines()[-1] == (
        f'error: Checkpoint {url} is a URL; sskt never downloads. Download '
        'the file yourself and give its local path (docs/dataset_prepare.md, '
        '"Weights").')
    assert not list(tmp_path.glob('**/*.pth'))
