"""Weight initialisers for ``init_cfg``: the original code's inits that
mmengine's own initialisers cannot express (``docs/method.md``, "Faithful
mode")."""
from .kaiming_weight_init import KaimingWeightInit
from .torch_default_init import TorchDefaultInit

__all__ = ['KaimingWeightInit', 'TorchDefaultInit']
