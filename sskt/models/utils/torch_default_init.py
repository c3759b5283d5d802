"""An ``init_cfg`` that puts layers back to PyTorch's own initialisation."""
from typing import List, Optional, Union

from mmengine.model import BaseInit, update_init_info
from torch import nn

from sskt.registry import WEIGHT_INITIALIZERS
from sskt.utils.errors import ConfigError
from .layer_match import matches_layer


@WEIGHT_INITIALIZERS.register_module(name='TorchDefault')
class TorchDefaultInit(BaseInit):
    """Initialise layers as PyTorch does when it builds them.

    Calls each selected layer's own ``reset_parameters()``. For an
    ``nn.Linear`` with ``fan_in`` inputs that is
    ``kaiming_uniform_(a=sqrt(5))`` on the weight and a uniform bias, both
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``: the init of the original code's
    ImageNet-style and 3D ResNet classifiers, which mmpretrain's heads
    (``Normal(std=0.01)``, zero bias) and mmaction's ``I3DHead`` replace
    (``docs/method.md``, "Faithful mode")::

        head=dict(init_cfg=dict(type='sskt.TorchDefault', layer='Linear'))

    Args:
        layer (str | list[str], optional): The layer classes to initialise,
            as in mmengine's initialisers (a class or a direct subclass of
            it). With ``override`` (no ``layer``), the whole named module.
            Defaults to None.

    Raises:
        ConfigError: A selected layer has no ``reset_parameters()``.
    """

    def __init__(self, layer: Optional[Union[str, List[str]]] = None) -> None:
        super().__init__(layer=layer)

    def __call__(self, module: nn.Module) -> None:
        """Reset every selected layer of ``module``."""

        def init(m: nn.Module) -> None:
            if not (self.wholemodule or matches_layer(m, self.layer)):
                return
            if hasattr(m, 'reset_parameters'):
                m.reset_parameters()
            elif not self.wholemodule:
                raise ConfigError(
                    f"init_cfg type='sskt.TorchDefault' selects "
                    f'{type(m).__name__} (layer={self.layer}), which has no '
                    'reset_parameters() and so no PyTorch default to go '
                    'back to; name layers such as Linear, Conv2d or '
                    'BatchNorm2d in its layer key.')

        module.apply(init)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        """The line mmengine logs for the parameters this init changed."""
        return f'{self.__class__.__name__}: reset_parameters()'
