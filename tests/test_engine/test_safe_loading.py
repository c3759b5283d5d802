import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from sskt.engine.safe_loading import (history_buffer_getattr,
                                      register_safe_globals)


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
