"""One optimizer wrapper per named part of a model (DML peers, MAXL nets)."""
import copy
from typing import List, Optional

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict

from sskt.registry import OPTIM_WRAPPER_CONSTRUCTORS
from sskt.utils.errors import ConfigError

#: Top-level keys that are not wrapper names: settings every wrapper starts
#: from (a wrapper's own key replaces the shared one).
SHARED_KEYS = ('type', 'optimizer', 'clip_grad', 'accumulative_counts',
               'dtype', 'loss_scale')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SeparateOptimWrapperConstructor:
    """Build an ``OptimWrapperDict``: one wrapper per named part of a model.

    Each key of the config names a wrapper; its value is an ordinary optim
    wrapper config plus two optional keys: ``modules`` (the dotted paths of
    the submodules it updates; default: the key itself) and ``each_child``
    (one wrapper per child of that single submodule, named ``<key>.<i>``).
    Parameters of one wrapper are built by mmengine's
    ``DefaultOptimWrapperConstructor`` (``paramwise_cfg`` applies to all)::

        optim_wrapper = dict(
            constructor='SeparateOptimWrapperConstructor',
            # MAXL: the multi-task net and the label generator
            target=dict(
                modules=['target', 'aux_head'],
                optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
            generator=dict(optimizer=dict(type='SGD', lr=1e-3)))

        optim_wrapper = dict(
            constructor='SeparateOptimWrapperConstructor',
            # DML: one optimizer per peer, named peers.0, peers.1, ...
            peers=dict(each_child=True, optimizer=dict(type='SGD', lr=0.1)))

    The top-level :data:`SHARED_KEYS` (``optimizer``, ``type``,
    ``clip_grad``, ...) are not wrapper names but defaults of every wrapper,
    so a DML config keeps the optimizer of the config it starts from::

        _base_ = ['../scratch/r20_cifar10.py']   # optim_wrapper.optimizer
        optim_wrapper = dict(
            constructor='SeparateOptimWrapperConstructor',
            peers=dict(each_child=True))         # that optimizer per peer

    A parameter that no wrapper covers, or that two cover, is an error, and
    so is a wrapper without an optimizer of its own or a shared one. The
    model's ``train_step`` must use the wrappers by name.

    Args:
        optim_wrapper_cfg (dict): ``{name: wrapper config}`` as above, plus
            any shared settings.
        paramwise_cfg (dict, optional): Passed to every wrapper's
            ``DefaultOptimWrapperConstructor``. Defaults to None.
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None) -> None:
        cfg = copy.deepcopy(dict(optim_wrapper_cfg))
        self.shared = {key: cfg.pop(key) for key in SHARED_KEYS if key in cfg}
        if not cfg:
            raise ConfigError('SeparateOptimWrapperConstructor needs at '
                              'least one named optim wrapper config.')
        self.optim_wrapper_cfg = cfg
        self.paramwise_cfg = paramwise_cfg

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        """Build the wrappers for ``model`` (unwrapped from DDP if needed)."""
        model = getattr(model, 'module', model)
        wrappers = {}
        for name, part in self.optim_wrapper_cfg.items():
            cfg = {**copy.deepcopy(self.shared), **dict(part)}
            if 'optimizer' not in cfg:
                raise ConfigError(
                    f'optim_wrapper.{name} has no optimizer, and the config '
                    'has no shared optim_wrapper.optimizer; give one of '
                    'them.')
            paths = cfg.pop('modules', [name])
            if cfg.pop('each_child', False):
                if len(paths) != 1:
                    raise ConfigError(
                        f'optim_wrapper.{name}: each_child needs exactly '
                        f'one module, got {paths}.')
                parent = _submodule(model, paths[0], name)
                for child_name, child in parent.named_children():
                    wrappers[f'{name}.{child_name}'] = self._build(cfg, child)
            else:
                part = nn.ModuleList(
                    [_submodule(model, path, name) for path in paths])
                wrappers[name] = self._build(cfg, part)
        _check_coverage(model, wrappers)
        return OptimWrapperDict(**wrappers)

    def _build(self, cfg: dict, module: nn.Module):
        """One wrapper by mmengine's default constructor."""
        return DefaultOptimWrapperConstructor(
            copy.deepcopy(cfg), self.paramwise_cfg)(
                module)


def _submodule(model: nn.Module, path: str, name: str) -> nn.Module:
    """``model.get_submodule(path)`` with an error naming the config key."""
    try:
        return model.get_submodule(path)
    except AttributeError:
        children = [child for child, _ in model.named_children()]
        raise ConfigError(
            f'optim_wrapper.{name}: the model has no submodule {path!r}; '
            f'its children are {children}.') from None


def _check_coverage(model: nn.Module, wrappers: dict) -> None:
    """Every trainable parameter is in exactly one wrapper."""
    owners: dict = {}
    for name, wrapper in wrappers.items():
        for group in wrapper.optimizer.param_groups:
            for param in group['params']:
                owners.setdefault(id(param), []).append(name)
    twice = {ids: names for ids, names in owners.items() if len(names) > 1}
    missing: List[str] = [
        pname for pname, param in model.named_parameters()
        if param.requires_grad and id(param) not in owners
    ]
    if twice:
        raise ConfigError('optim_wrapper: some parameters are in several '
                          f'wrappers: {sorted(set(sum(twice.values(), [])))}.')
    if missing:
        tops = sorted({name.split('.', 1)[0] for name in missing})
        wrappers_to_add = ', '.join(f'{top}=dict()' for top in tops)
        raise ConfigError(
            f'optim_wrapper: {len(missing)} trainable parameters are in no '
            f'wrapper, e.g. {missing[:3]}; add a wrapper for their module '
            f'(optim_wrapper: {wrappers_to_add}) or add it to a wrapper\'s '
            '`modules`.')
