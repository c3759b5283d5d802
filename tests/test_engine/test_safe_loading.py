import pickle
import socket

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from sskt.engine.safe_loading import (history_buffer_getattr, is_remote,
                                      read_checkpoint, register_safe_globals)
from sskt.utils.errors import (ConfigError, MalformedFileError,
                               RefusedCheckpointError)


class _Reduces:
    """Pickles as ``getattr(target, name)``, like a crafted checkpoint."""

    def __init__(self, target, name):
        self.target, self.name = target, name

    def __reduce__(self):
        return getattr, (self.target, self.name)


def _message_hub_like_checkpoint():
    buffer = HistoryBuffer()
    for value in (1.0, 2.5, 4.0):
        buffer.update(value)
    return dict(
        state_dict={'w': torch.arange(3.)},
        message_hub=dict(log_scalars={'train/loss': buffer}),
        meta=dict(
            epoch=2,
            iter=8,
            seed=0,
            float32=np.float32(0.5),
            int32=np.int32(3)))


def test_history_buffer_checkpoint_loads_with_weights_only(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_message_hub_like_checkpoint(), path)
    loaded = torch.load(path, weights_only=True)
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(2.5)
    assert buffer.current() == 4.0
    assert loaded['meta']['float32'] == np.float32(0.5)
    assert torch.equal(loaded['state_dict']['w'], torch.arange(3.))


def test_without_the_allow_list_the_checkpoint_is_refused(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_message_hub_like_checkpoint(), path)
    torch.serialization.clear_safe_globals()
    try:
        with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer'):
            torch.load(path, weights_only=True)
    finally:
        register_safe_globals()
    torch.load(path, weights_only=True)


def test_getattr_only_reaches_public_history_buffer_attributes(tmp_path):
    assert history_buffer_getattr(HistoryBuffer, 'mean') is \
        HistoryBuffer.mean
    for target, name in [(HistoryBuffer, '__init__'),
                         (HistoryBuffer, '_statistics_methods'),
                         (np.ndarray, 'tofile'), (HistoryBuffer, 'missing')]:
        with pytest.raises(pickle.UnpicklingError, match='only allows'):
            history_buffer_getattr(target, name)
        path = tmp_path / 'crafted.pth'
        torch.save({'x': _Reduces(target, name)}, path)
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path, weights_only=True)


def test_refusal_names_the_global_and_drops_torch_advice(tmp_path):
    path = str(tmp_path / 'crafted.pth')
    torch.save({'x': _Reduces(HistoryBuffer, '__init__')}, path)
    with pytest.raises(RefusedCheckpointError) as info:
        read_checkpoint(path, what='Source checkpoint')
    message = str(info.value)
    assert message.startswith(
        f'Source checkpoint {path} was refused: it asks to unpickle '
        "getattr(<class 'mmengine.logging.history_buffer.HistoryBuffer'>, "
        "'__init__'), which no checkpoint of weights needs.")
    assert 'sskt never loads a file that way' in message
    assert 'will likely succeed' not in message and '\n' not in message


@pytest.mark.parametrize('content, detail', [
    (b'not a checkpoint', 'UnpicklingError: Unsupported operand 110'),
    (b'', 'EOFError'),
])
def test_a_file_that_is_no_pickle_is_damaged_not_refused(
        tmp_path, content, detail):
    path = tmp_path / 'weights.pth'
    path.write_bytes(content)
    with pytest.raises(MalformedFileError) as info:
        read_checkpoint(str(path), hint='Re-save it')
    assert not isinstance(info.value, RefusedCheckpointError)
    assert str(info.value) == (
        f'Checkpoint {path} cannot be read ({len(content)} bytes; {detail}): '
        'it is damaged, e.g. truncated by a kill or a full disk, or it is '
        'not a torch checkpoint. Re-save it.')


@pytest.mark.parametrize('name', [
    'https://download.openmmlab.com/x.pth', 'torchvision://resnet50',
    'open-mmlab://resnet50_caffe', 'mmcls://resnet50', 's3://bucket/x.pth'
])
def test_remote_checkpoints_are_refused_before_any_download(name):
    with pytest.raises(ConfigError, match='sskt never downloads'):
        CheckpointLoader.load_checkpoint(name)


REMOTE_NAMES = [
    'http://example.com/x.pth', 'https://download.openmmlab.com/x.pth',
    'torchvision://resnet50', 'open-mmlab://resnet50_caffe',
    'openmmlab://resnet50', 'mmcls://resnet50', 'modelzoo://resnet50',
    'pavi://model/x.pth', 's3://bucket/x.pth', 'open-mmlab:s3://bucket/x.pth',
    'petrel://bucket/x.pth'
]


@pytest.mark.parametrize('name', REMOTE_NAMES)
def test_read_checkpoint_refuses_what_mmengine_would_download(
        name, monkeypatch):

    def no_network(*args, **kwargs):
        raise AssertionError('sskt tried to open a connection')

    monkeypatch.setattr(socket.socket, 'connect', no_network)
    assert is_remote(name)
    with pytest.raises(ConfigError) as info:
        read_checkpoint(name, what='Source checkpoint')
    kind = 'a URL' if name.startswith('http') else 'a remote file'
    assert str(info.value) == (
        f'Source checkpoint {name} is {kind}; sskt never downloads. Download '
        'the file yourself and give its local path (docs/dataset_prepare.md, '
        '"Weights").')


def test_local_paths_are_read_not_refused(tmp_path):
    path = tmp_path / 'dir:with:colons' / 'w.pth'
    path.parent.mkdir()
    torch.save({'w': torch.arange(3.)}, path)
    for local in (str(path), 'checkpoints/resnet50.pth', '~/w.pth'):
        assert not is_remote(local)
    assert torch.equal(read_checkpoint(str(path))['w'], torch.arange(3.))
