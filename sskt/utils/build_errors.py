"""Mistakes in a config's ``type`` or keys, as one paragraph.

:func:`translate_build_error` recognises, in what
:mod:`sskt.utils.build_calls` reads from the traceback of a failed build, an
unknown ``type``, a dict without ``type``, and a constructor key that the
class does not take or a required one that is missing (Python's message only
confirms which key it names). The paragraph names the config key, the class,
and the nearest valid names (:mod:`sskt.utils.near_names`). An exception it
does not recognise stays as it is: it is a bug and keeps its traceback.
"""
import re
from typing import Any, List, Optional

from mmengine.config import Config

from .build_calls import BuildCall, config_path, failed_builds, find_config
from .errors import ConfigError
from .near_names import accepted_keys, closest, registered_names

_UNEXPECTED = re.compile(r"unexpected keyword argument '(\w+)'")
_MISSING = re.compile(r'missing \d+ required (?:positional |keyword-only )?'
                      r'arguments?: (.*)')
CUSTOM_HINT = ('a module of your own must be registered and imported '
               '(custom_imports, docs/customize.md)')


def _quoted(names: List[str], last: str = 'or') -> str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'`` (``last`` joins)."""
    names = [f"'{n}'" for n in names]
    return names[0] if len(names) == 1 else \
        f"{', '.join(names[:-1])} {last} {names[-1]}"


def _class_label(obj: Any) -> str:
    """``SSKT (sskt.models.distillers.sskt)``."""
    name = getattr(obj, '__name__', repr(obj))
    module = getattr(obj, '__module__', None)
    return f'{name} ({module})' if module else name


def _searched(registry: Any, obj_type: str) -> str:
    """Where ``registry.get(obj_type)`` looked, in words."""
    scope, _ = registry.split_scope_key(obj_type)
    root = registry._get_root_registry()
    if scope is None:
        parents, parent = [], registry.parent
        while parent is not None:
            parents.append(parent.scope)
            parent = parent.parent
        return (f"scope {' or '.join([registry.scope] + parents)} (a sibling "
                "package's modules are named with its scope, e.g. "
                "'mmpretrain.X')")
    if scope == root.scope or root._search_child(scope) is not None:
        return f'scope {scope}'
    scopes = sorted({root.scope} | set(root._children))
    return (f"any scope: there is no scope '{scope}' (the scopes are "
            f"{', '.join(scopes)})")


def _unknown_type(call: BuildCall, path: Optional[str]) -> str:
    """The paragraph for a ``type`` that no registry knows."""
    registry = call.registry
    names = registered_names(registry)
    where = (f"{path}.type is '{call.obj_type}', which"
             if path else f"type='{call.obj_type}'")
    bare = call.obj_type.split('.', 1)[-1]
    elsewhere = sorted(
        {shown
         for shown, name in names if name == bare and shown != bare})
    near = closest(call.obj_type, names)
    if elsewhere:
        scope = elsewhere[0].split('.', 1)[0]
        hint = (f'It is registered as {_quoted(elsewhere)}: write that' +
                (f", and for a model of that package add _scope_='{scope}'"
                 ' to its dict so that its parts are found there too'
                 if registry.name == 'model' else '') + '.')
    elif near:
        hint = f'Did you mean {_quoted(near)}?'
    else:
        hint = f'No registered {registry.name} has a name close to it.'
    example = f' (e.g. --cfg-options {path}.type={near[0]})' \
        if path and near and not elsewhere else ''
    searched = _searched(registry, call.obj_type)
    return (f'{where} is not a registered {registry.name} in {searched}. '
            f'{hint} Fix the name{example}; {CUSTOM_HINT}.')


def _no_type(call: BuildCall, path: Optional[str]) -> str:
    """The paragraph for a dict built without a ``type``."""
    where = path or 'a config dict'
    keys = sorted(call.cfg) if isinstance(call.cfg, dict) else []
    return (f'{where} has no `type` (its keys are {keys}); add '
            f'type=<a registered {call.kind}> to it.')


def _bad_keys(call: BuildCall, message: str,
              path: Optional[str]) -> Optional[str]:
    """The paragraph for an unknown or a missing constructor key."""
    keys, more = accepted_keys(call.obj_cls)
    label = _class_label(call.obj_cls)
    takes = (f"{getattr(call.obj_cls, '__name__', label)} takes "
             f"{', '.join(keys) if keys else 'no keys'}"
             f"{' and more (**kwargs)' if more else ''}.")
    unexpected = _UNEXPECTED.search(message)
    if unexpected and unexpected.group(1) in call.args:
        named = unexpected.group(1)
        unknown = [k for k in call.args if k not in keys] if not more and \
            named not in keys else [named]
        near = [closest(k, [(x, x) for x in keys], n=2) for k in unknown]
        if len(unknown) == 1:
            hints = f'Did you mean {_quoted(near[0])}?' if near[0] else ''
        else:
            hints = ' '.join(f"For '{k}', did you mean {_quoted(n)}?"
                             for k, n in zip(unknown, near) if n)
        where = ', '.join(f'{path}.{k}' for k in unknown) if path else \
            f'the {call.kind} config'
        return (f"{where}: {label} has no argument {_quoted(unknown)}. "
                f'{hints + " " if hints else ""}{takes} Remove or rename '
                'the key in the config.')
    missing = _MISSING.search(message)
    if missing:
        names = re.findall(r"'(\w+)'", missing.group(1))
        if names and not any(n in call.args for n in names):
            where = path or f'the {call.kind} config'
            return (f"{where}: {label} needs {_quoted(names, 'and')}, "
                    f'which the config does not set. {takes} Add the '
                    'missing key.')
    return None


def translate_build_error(
        error: BaseException,
        config: Optional[Config] = None) -> Optional[ConfigError]:
    """Turn a config mistake met by a registry build into one paragraph.

    Recognised: an unknown ``type`` (with the nearest registered names of the
    registry, its parents and sibling scopes), a dict without ``type``, and a
    constructor key that the class does not take or a required one that is
    missing (with the class's keys and the nearest). Anything else returns
    None: it is not a config mistake, and keeps its traceback.

    Args:
        error (BaseException): The exception a tool caught.
        config (Config, optional): The config being built, to name the
            failing key. Defaults to the first :class:`Config` found in the
            traceback's frames (the tool's or ``Runner.from_cfg``'s).

    Returns:
        ConfigError, optional: The paragraph, or None.
    """
    config = config or find_config(error)
    for exc, call in failed_builds(error):
        path = call.path or config_path(config, call.cfg)
        if isinstance(exc, (KeyError, TypeError)) and not call.inner:
            if call.has_type and call.has_cls and call.obj_cls is None \
                    and isinstance(call.obj_type, str) \
                    and call.registry is not None:
                return ConfigError(_unknown_type(call, path))
            if isinstance(exc, KeyError) and not call.has_type and \
                    isinstance(call.cfg, dict) and 'type' not in call.cfg:
                return ConfigError(_no_type(call, path))
        if isinstance(exc, TypeError) and call.obj_cls is not None and \
                call.raised_in_constructor():
            message = _bad_keys(call, str(exc), path)
            if message is not None:
                return ConfigError(message)
    return None
