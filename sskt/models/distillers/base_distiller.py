"""What every distiller shares: a trained target, frozen networks beside it."""
from typing import Optional

import torch
from mmengine.model import BaseModel

from sskt.utils.errors import ConfigError
from .frozen_models import FrozenModelsMixin
from .target_interface import ImageTarget, target_interface
from .target_utils import accept_plain_target_keys, build_target


class BaseDistiller(FrozenModelsMixin, BaseModel):
    """A target network that trains with help from frozen networks.

    Builds the target (its data preprocessor serves the whole model; the
    Runner's top-level ``data_preprocessor`` goes into a target that has
    none) and its :attr:`target_interface` (image classifier or video
    recognizer, chosen once here), lets a plain target checkpoint load into
    ``target.*``, dispatches ``forward`` by mode and predicts with the target
    alone. Subclasses hold their frozen networks with :meth:`hold_frozen` and
    implement :meth:`loss`.

    Args:
        target (dict): The target model, e.g. an mmpretrain
            ``ImageClassifier`` dict that carries ``_scope_='mmpretrain'``.
        data_preprocessor (dict, optional): The target's data preprocessor
            when the target dict has none. Defaults to None.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 target: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        target_model = build_target(target, data_preprocessor)
        super().__init__(
            data_preprocessor=target_model.data_preprocessor,
            init_cfg=init_cfg)
        self.target = target_model
        #: How the target is run (a plain object: no state-dict keys).
        self.target_interface: ImageTarget = target_interface(target_model)
        self._register_load_state_dict_pre_hook(accept_plain_target_keys)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        """The mmengine entry point: ``loss``, ``predict`` or ``tensor``."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.target(inputs, data_samples, mode='tensor')
        raise ConfigError(f'Invalid mode {mode!r}: use loss, predict or '
                          'tensor.')

    def loss(self, inputs: torch.Tensor, data_samples: list) -> dict:
        """The training losses; see the subclass."""
        raise NotImplementedError

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None) -> list:
        """Predict with the target only."""
        return self.target.predict(inputs, data_samples)
