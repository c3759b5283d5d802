"""Tests of cached_config_text: same text as mmengine, formatted once."""
import pytest
from mmengine.config import Config

from sskt.engine import cached_config_text


def _config(lr=0.1):
    return Config(dict(optimizer=dict(type='SGD', lr=lr), work_dir='w'))


def test_text_is_mmengine_s_and_formatted_once_per_content(monkeypatch):
    expected = _config().pretty_text
    original = Config.pretty_text
    calls = []

    def counting(cfg):
        calls.append(1)
        return original.fget(cfg)

    monkeypatch.setattr(Config, 'pretty_text', property(counting))
    with cached_config_text() as cache:
        first = _config()
        assert first.pretty_text == expected
        assert _config().pretty_text == expected  # same content, new object
        assert len(calls) == 1 and len(cache) == 1
        changed = _config(lr=0.5)
        assert 'lr=0.5' in changed.pretty_text
        first.optimizer.lr = 0.7  # changed in place: formatted again
        assert 'lr=0.7' in first.pretty_text
        assert len(calls) == 3
    assert Config.pretty_text.fget is counting  # what was there before


def test_the_property_is_restored_after_an_error():
    original = Config.pretty_text
    with pytest.raises(RuntimeError):
        with cached_config_text():
            assert Config.pretty_text is not original
            raise RuntimeError('boom')
    assert Config.pretty_text is original
