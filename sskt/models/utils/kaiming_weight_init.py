"""An ``init_cfg`` that draws Kaiming weights and leaves biases alone."""
from typing import List, Optional, Union

from mmengine.model import KaimingInit, update_init_info
from torch import nn

from sskt.registry import WEIGHT_INITIALIZERS
from .layer_match import matches_layer


@WEIGHT_INITIALIZERS.register_module(name='KaimingWeight')
class KaimingWeightInit(KaimingInit):
    """mmengine's ``Kaiming`` init on the weights only.

    mmengine's ``Kaiming`` also sets every bias to a constant (0). The
    original code's CIFAR ResNets run ``kaiming_normal_`` on the weight of
    every Conv2d and Linear and leave the biases as PyTorch built them: the
    main classifier's bias stays ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``
    (``docs/method.md``, "Faithful mode")::

        head=dict(init_cfg=dict(
            type='sskt.KaimingWeight', layer='Linear', mode='fan_in'))

    Args:
        a (float): The negative slope of the rectifier after the layer (for
            ``nonlinearity='leaky_relu'``). Defaults to 0.
        mode (str): ``'fan_in'`` keeps the forward variance,
            ``'fan_out'`` the backward one. Defaults to ``'fan_out'``, as in
            mmengine.
        nonlinearity (str): The nonlinearity after the layer, for the gain.
            Defaults to ``'relu'``.
        distribution (str): ``'normal'`` or ``'uniform'``. Defaults to
            ``'normal'``.
        layer (str | list[str], optional): The layer classes to initialise,
            as in mmengine's initialisers. Defaults to None.
    """

    def __init__(self,
                 a: float = 0,
                 mode: str = 'fan_out',
                 nonlinearity: str = 'relu',
                 distribution: str = 'normal',
                 layer: Optional[Union[str, List[str]]] = None) -> None:
        super().__init__(
            a=a,
            mode=mode,
            nonlinearity=nonlinearity,
            distribution=distribution,
            layer=layer)

    def __call__(self, module: nn.Module) -> None:
        """Draw the weight of every selected layer of ``module``."""
        draw = (
            nn.init.kaiming_uniform_
            if self.distribution == 'uniform' else nn.init.kaiming_normal_)

        def init(m: nn.Module) -> None:
            selected = self.wholemodule or matches_layer(m, self.layer)
            if selected and getattr(m, 'weight', None) is not None:
                draw(
                    m.weight,
                    a=self.a,
                    mode=self.mode,
                    nonlinearity=self.nonlinearity)

        module.apply(init)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        """The line mmengine logs for the parameters this init changed."""
        return (f'{self.__class__.__name__}: a={self.a}, mode={self.mode}, '
                f'nonlinearity={self.nonlinearity}, '
                f'distribution={self.distribution}, bias unchanged')
