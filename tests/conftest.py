"""Shared pytest set-up.

Imports sskt once so every registry is filled, and formats each config text
once for the whole session (mmengine re-formats it with yapf for every log,
dump and checkpoint; see :func:`sskt.engine.cached_config_text`).
"""
import pytest

import sskt  # noqa: F401
from sskt.engine import cached_config_text


@pytest.fixture(scope='session', autouse=True)
def _format_each_config_once():
    with cached_config_text():
        yield
