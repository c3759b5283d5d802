"""Where a registry build failed, read from the exception's traceback.

mmengine's :func:`~mmengine.registry.build_from_cfg` raises a ``KeyError``
for a ``type`` that no registry knows and lets a constructor's ``TypeError``
through, deep inside the Runner's build (models build their parts with
``MODELS.build`` in turn, and older mmengine re-raises ``type(e)(f'class ...:
{e}')`` at every level). :func:`failed_builds` takes the innermost exception
of such a chain and reads, as a debugger would, the deepest
``build_from_cfg`` frame of its traceback: the ``registry`` searched, the
``cfg`` built, its ``obj_type``, ``obj_cls`` and ``args``. Builds that
mmengine does without ``build_from_cfg`` are read too: the optimizer lookup
of ``DefaultOptimWrapperConstructor``, and the classes that
``Runner.build_*_loop`` and ``Runner.build_dataloader`` call directly (a
loop, torch's ``DataLoader``). :func:`config_path` then finds the failing
dict in the config, to name its key.
"""
import inspect
from types import FrameType, TracebackType
from typing import Any, Iterator, List, Optional, Tuple

from mmengine.config import Config
from mmengine.optim import DefaultOptimWrapperConstructor
from mmengine.registry import LOOPS, build_functions
from mmengine.runner import (EpochBasedTrainLoop, IterBasedTrainLoop, Runner,
                             TestLoop, ValLoop)
from mmengine.utils import ManagerMixin
from torch.utils.data import DataLoader

_BUILD_CODE = build_functions.build_from_cfg.__code__
_OPTIMIZER_CODE = DefaultOptimWrapperConstructor.__call__.__code__
_DATALOADER_CODE = Runner.build_dataloader.__code__
#: The Runner builds a loop dict without ``type`` by calling the class.
_LOOP_BUILDERS = {
    Runner.build_train_loop.__code__: 'train_cfg',
    Runner.build_val_loop.__code__: 'val_cfg',
    Runner.build_test_loop.__code__: 'test_cfg',
}


class BuildCall:
    """What a failed registry build was asked for, read from its frame.

    Args:
        registry (Registry, optional): The registry searched (after the
            scope switch); None for a class the Runner calls itself.
        cfg (dict): The dict being built.
        local (dict): The frame's other locals: ``args``, ``obj_type`` and
            ``obj_cls`` when ``build_from_cfg`` got that far.
        inner (list[FrameType]): The frames below it, innermost last.
        kind (str, optional): What is built, e.g. ``'model'``. Defaults to
            the registry's name.
    """

    def __init__(self,
                 registry: Any,
                 cfg: Any,
                 local: dict,
                 inner: List[FrameType],
                 kind: Optional[str] = None) -> None:
        self.registry = registry
        self.kind = kind or getattr(registry, 'name', None)
        self.cfg = cfg
        self.args = local.get('args') or {}
        self.has_type = 'obj_type' in local
        self.obj_type = local.get('obj_type')
        self.has_cls = 'obj_cls' in local
        self.obj_cls = local.get('obj_cls')
        self.inner = inner
        self.path: Optional[str] = None

    @classmethod
    def from_frame(cls, frame: FrameType,
                   inner: List[FrameType]) -> 'BuildCall':
        """The call of a ``build_from_cfg`` frame."""
        local = frame.f_locals
        return cls(local.get('registry'), local.get('cfg'), local, inner)

    def raised_in_constructor(self) -> bool:
        """Whether the error came from calling ``obj_cls`` with ``args``.

        True when it was raised in ``build_from_cfg`` itself or in the
        ``__init__`` chain of the object being built (a class that passes
        ``**kwargs`` to its parent), and nowhere deeper.
        """
        for frame in self.inner:
            if frame.f_code.co_name == 'get_instance' and inspect.isclass(
                    frame.f_locals.get('cls')) and issubclass(
                        frame.f_locals['cls'], ManagerMixin):
                continue
            if frame.f_code.co_name != '__init__' or not (
                    inspect.isclass(self.obj_cls)
                    and isinstance(frame.f_locals.get('self'), self.obj_cls)):
                return False
        return True


def _chain(error: BaseException) -> List[BaseException]:
    """``error`` and the exceptions it re-raises, innermost first.

    Only links of the same type are followed (mmengine's re-raise keeps the
    type); any other context is a different error.
    """
    chain = [error]
    while True:
        inner = chain[-1].__cause__ or chain[-1].__context__
        if inner is None or type(inner) is not type(chain[-1]) or \
                inner in chain:
            return chain[::-1]
        chain.append(inner)


def _frames(tb: Optional[TracebackType]) -> Iterator[FrameType]:
    """The frames of a traceback, outermost first."""
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _deepest_build_call(error: BaseException) -> Optional[BuildCall]:
    """The innermost registry build in ``error``'s traceback.

    That is a ``build_from_cfg`` frame, or the lookup of an unknown optimizer
    ``type`` by mmengine's ``DefaultOptimWrapperConstructor``, which reads
    the optimizer's signature before building it (and so fails with
    ``TypeError: None is not a callable object`` in :mod:`inspect`).
    """
    frames = list(_frames(error.__traceback__))
    for at in range(len(frames) - 1, -1, -1):
        frame, inner = frames[at], frames[at + 1:]
        if frame.f_code is _BUILD_CODE:
            return BuildCall.from_frame(frame, inner)
        local = frame.f_locals
        if frame.f_code is _OPTIMIZER_CODE and 'optimizer_cls' in local \
                and local['optimizer_cls'] is None and all(
                    f.f_code.co_filename == inspect.__file__ for f in inner):
            cfg = local['self'].optimizer_cfg
            return BuildCall(
                local.get('registry'), cfg,
                dict(obj_type=cfg.get('type'), obj_cls=None), [])
        if frame.f_code in _LOOP_BUILDERS and 'loop_cfg' in local:
            return _loop_call(frame, inner)
        if frame.f_code is _DATALOADER_CODE and not inner and \
                'dataloader_cfg' in local:
            return BuildCall(
                None,
                local.get('dataloader'),
                dict(args=local['dataloader_cfg'], obj_cls=DataLoader), [],
                kind='dataloader')
    return None


def _loop_call(frame: FrameType, inner: List[FrameType]) -> BuildCall:
    """The call of a loop class in ``Runner.build_*_loop`` (no ``type``)."""
    local = frame.f_locals
    path = _LOOP_BUILDERS[frame.f_code]
    if path == 'train_cfg':
        loop_cls = EpochBasedTrainLoop if local.get('by_epoch') else \
            IterBasedTrainLoop
    else:
        loop_cls = ValLoop if path == 'val_cfg' else TestLoop
    call = BuildCall(LOOPS, local['loop_cfg'],
                     dict(args=local['loop_cfg'], obj_cls=loop_cls), inner)
    call.path = path
    return call


def find_config(error: BaseException) -> Optional[Config]:
    """The outermost :class:`Config` among the traceback's frame locals."""
    for frame in _frames(error.__traceback__):
        for value in frame.f_locals.values():
            if isinstance(value, Config):
                return value
    return None


def config_path(config: Optional[Config], failing: Any) -> Optional[str]:
    """The dotted key of the config dict that ``failing`` was built from.

    Models add keys to their parts' dicts before building them (e.g.
    ``in_channels``), so a config dict matches when its ``type`` is the
    failing one's and every key it sets has the failing dict's value. The
    match that sets the most keys wins; none or a tie gives None.

    Args:
        config (Config, optional): The config being built.
        failing (dict): The dict ``build_from_cfg`` was called with.

    Returns:
        str, optional: E.g. ``'model.aux.neck'`` or
        ``'custom_hooks.0'``; None when it is not found for sure.
    """
    if config is None or not isinstance(failing, dict):
        return None
    found = []

    def visit(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if node and node.get('type') == failing.get('type') and all(
                    k in failing and _same(failing[k], v)
                    for k, v in node.items()):
                found.append((len(node), path))
            items = node.items()
        elif isinstance(node, (list, tuple)):
            items = enumerate(node)
        else:
            return
        for key, value in items:
            visit(value, f'{path}.{key}' if path else str(key))

    try:
        visit(config.to_dict(), '')
    except Exception:  # a config that cannot be read back: no path
        return None
    found.sort(reverse=True)
    if not found or (len(found) > 1 and found[0][0] == found[1][0]):
        return None
    return found[0][1]


def _same(a: Any, b: Any) -> bool:
    """Equality that lets a list equal a tuple of the same items."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:  # e.g. tensors: not the same for this purpose
        return False


def failed_builds(
        error: BaseException) -> List[Tuple[BaseException, BuildCall]]:
    """Each exception of ``error``'s chain with its deepest build call.

    Args:
        error (BaseException): The exception a tool caught.

    Returns:
        list[tuple[BaseException, BuildCall]]: Innermost exception first;
        exceptions whose traceback holds no registry build are left out.
    """
    found = []
    for exc in _chain(error):
        call = _deepest_build_call(exc)
        if call is not None and call.kind is not None:
            found.append((exc, call))
    return found
