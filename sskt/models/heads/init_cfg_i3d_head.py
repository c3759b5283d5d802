"""mmaction's ``I3DHead``, initialised by its ``init_cfg`` when it has one."""
from mmaction.models.heads import I3DHead
from mmengine.model import BaseModule

from sskt.registry import MODELS


@MODELS.register_module()
class InitCfgI3DHead(I3DHead):
    """An ``I3DHead`` whose ``init_cfg``, when given, replaces ``init_std``.

    mmaction's ``I3DHead.init_weights`` always draws ``fc_cls`` from
    ``N(0, init_std)`` with a zero bias and ignores ``init_cfg``; a parent's
    ``init_cfg`` cannot correct it either, since mmengine runs a parent's
    before its children's ``init_weights``. The original 3D code leaves its
    classifier at ``nn.Linear``'s default (``docs/method.md``, "Faithful
    mode")::

        cls_head=dict(
            type='sskt.InitCfgI3DHead',
            init_cfg=dict(type='sskt.TorchDefault', layer='Linear'))

    Without ``init_cfg`` it is ``I3DHead``. Its arguments are ``I3DHead``'s;
    ``init_std`` is unused when ``init_cfg`` is given.
    """

    def init_weights(self) -> None:
        """Follow ``init_cfg`` if there is one, else ``I3DHead``'s init."""
        if self.init_cfg is None:
            super().init_weights()
        else:
            BaseModule.init_weights(self)
