"""Compile the target backbone in place before training starts."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from sskt.registry import HOOKS
from sskt.utils.errors import ConfigError


@HOOKS.register_module()
class CompileTargetHook(Hook):
    """``torch.compile`` the distiller's ``target.backbone``, in place.

    mmengine's ``compile`` config option compiles the model's whole
    ``train_step``; this compiles only the target's backbone (the part that
    runs once per step for every branch), with ``nn.Module.compile``, so the
    checkpoint keys do not change. The sources compile through their own
    ``compile`` option. Add it with
    ``custom_hooks = [dict(type='sskt.CompileTargetHook')]``.

    Args:
        options (dict, optional): ``torch.compile`` keyword arguments, e.g.
            ``dict(mode='max-autotune')``. Defaults to None (its defaults).
    """
    priority = 'VERY_HIGH'

    def __init__(self, options: Optional[dict] = None) -> None:
        self.options = dict(options or {})

    def before_train(self, runner) -> None:
        """Compile ``model.target.backbone`` (unwrapped from DDP)."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        backbone = getattr(getattr(model, 'target', None), 'backbone', None)
        if backbone is None:
            raise ConfigError(
                'CompileTargetHook compiles model.target.backbone, but '
                f'{type(model).__name__} has none; remove the hook from '
                'custom_hooks or use a distiller (SSKT, KD, DML, MAXL).')
        backbone.compile(**self.options)
