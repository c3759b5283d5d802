"""Keep frozen networks (sources, teachers) outside a model's module tree."""
from typing import Dict, Mapping

import torch.nn as nn


class FrozenModelsMixin:
    """Hold frozen networks next to an ``nn.Module`` instead of inside it.

    A network held here is not a submodule: its parameters are not the
    model's (so never in the optimizer, never wrapped by DDP) and it is not in
    ``state_dict()`` (so checkpoints stay the size of what is trained; it
    reloads from its own file in :meth:`init_weights`, which the Runner calls
    when training starts and not when testing). It still follows the model's
    ``train()``/``eval()`` and ``to()``/``cuda()``.

    Use it before the ``nn.Module`` base in the class bases, and call
    :meth:`hold_frozen` once the module is initialised.
    """

    def hold_frozen(self, models: Mapping[str, nn.Module]) -> None:
        """Keep ``models`` (by name) outside the module tree.

        Args:
            models (Mapping[str, nn.Module]): The frozen networks.
        """
        # a plain dict attribute: nn.Module does not register its values
        self._frozen_models: Dict[str, nn.Module] = dict(models)

    @property
    def frozen_models(self) -> Dict[str, nn.Module]:
        """The frozen networks by name (a copy of the mapping)."""
        return dict(getattr(self, '_frozen_models', {}))

    def init_weights(self) -> None:
        """Initialise the model, then let each frozen network load itself."""
        super().init_weights()
        for model in self.frozen_models.values():
            model.init_weights()

    def train(self, mode: bool = True):
        """Set the mode; each frozen network decides what it does with it."""
        super().train(mode)
        for model in self.frozen_models.values():
            model.train(mode)
        return self

    def _apply(self, fn, *args, **kwargs):
        """Move/cast the frozen networks along with the model."""
        super()._apply(fn, *args, **kwargs)
        for model in self.frozen_models.values():
            model._apply(fn, *args, **kwargs)
        return self
