"""CompileTargetHook compiles model.target.backbone in place, with options."""
from types import SimpleNamespace
from unittest import mock

import pytest
import torch.nn as nn

from sskt.engine.hooks import CompileTargetHook
from sskt.utils.errors import ConfigError


class _Distiller(nn.Module):

    def __init__(self):
        super().__init__()
        self.target = nn.Module()
        self.target.backbone = nn.Linear(2, 2)
        self.target.head = nn.Linear(2, 2)


def test_only_the_backbone_is_compiled_with_the_options():
    model = _Distiller()
    with mock.patch.object(nn.Module, 'compile', autospec=True) as compile_:
        CompileTargetHook(options=dict(mode='max-autotune')).before_train(
            SimpleNamespace(model=model))
    compile_.assert_called_once_with(
        model.target.backbone, mode='max-autotune')


def test_a_model_without_a_target_backbone_is_refused():
    with pytest.raises(ConfigError, match='model.target.backbone'):
        CompileTargetHook().before_train(
            SimpleNamespace(model=nn.Linear(1, 1)))
