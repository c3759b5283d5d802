"""The valid names near a mistyped one: registered types and keyword keys.

A config names a class by its registered ``type`` and sets its constructor
arguments as keys. When one is misspelt, the nearest valid names are what
the user needs: :func:`registered_names` lists every name a registry can
build, as it is written from that registry's scope (bare for the scope and
its parents, ``scope.Name`` for the sibling packages: ``mmpretrain.``,
``mmaction.``); :func:`accepted_keys` lists the keys a class takes;
:func:`closest` picks the nearest ones with :mod:`difflib`.
"""
import difflib
import inspect
from typing import Any, Callable, List, Sequence, Tuple

from mmengine.registry import Registry

#: At most this many suggestions, even when more are equally close.
MAX_SUGGESTIONS = 6


def _registry_tree(registry: Registry) -> List[Registry]:
    """Every registry under ``registry``'s root, the root first."""
    found, todo = [], [registry._get_root_registry()]
    while todo:
        current = todo.pop(0)
        found.append(current)
        todo.extend(current._children.values())
    return found


def _ancestors(registry: Registry) -> List[Registry]:
    """``registry`` and its parents up to the root."""
    chain = [registry]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    return chain


def registered_names(registry: Registry) -> List[Tuple[str, str]]:
    """Every name that ``registry.get`` finds, as a config writes it.

    Names of ``registry`` and of its parents (mmengine's root) are bare,
    since ``get`` finds them without a scope; names of the other registries
    under the same root carry their scope (``mmpretrain.LinearClsHead``).
    Each registry first imports its modules (its ``locations``), so that
    lazily registered packages are listed too.

    Args:
        registry (Registry): The registry a config was built in.

    Returns:
        list[tuple[str, str]]: ``(as written, bare name)`` pairs.
    """
    reachable = {id(r) for r in _ancestors(registry)}
    names = []
    for current in _registry_tree(registry):
        try:
            current.import_from_location()
        except Exception:  # a broken optional package: list what is there
            pass
        bare = id(current) in reachable
        for name in current.module_dict:
            names.append((name if bare else f'{current.scope}.{name}', name))
    return names


def _edit_similarity(a: str, b: str) -> float:
    """``1 - d / max(len)``, ``d`` the optimal-string-alignment distance.

    Deletions, insertions, substitutions and swaps of neighbours cost 1
    each, so one typo in a 6-letter name scores 5/6 whatever the letters
    around it (difflib's greedy ratio can score a swap in ``MixMIM`` 0.55).
    """
    if not a or not b:
        return 0.0
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1,
                             row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] \
                    and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return 1 - row[-1] / max(len(a), len(b))


def similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 to 1, ignoring case.

    The larger of :class:`difflib.SequenceMatcher`'s ratio (good at names
    with a part missing or added, ``LastStage`` for ``LastStagePooling``) and
    the edit similarity (good at one or two typos anywhere).

    Args:
        a (str): A name.
        b (str): Another name.

    Returns:
        float: 1 for names equal but for case.
    """
    a, b = a.lower(), b.lower()
    return max(
        difflib.SequenceMatcher(None, a, b).ratio(), _edit_similarity(a, b))


def closest(word: str,
            candidates: Sequence[Tuple[str, str]],
            n: int = 3,
            cutoff: float = 0.6) -> List[str]:
    """The candidates nearest to ``word``, nearest first.

    Compared by :func:`similarity`, without a scope prefix
    (``mmpretrain.X`` is compared as ``X``), so a name in the wrong package
    or of the wrong case is found. Ties with the ``n``-th are kept (up to
    :data:`MAX_SUGGESTIONS`) so that equally near names are all shown.

    Args:
        word (str): The mistyped name, possibly ``scope.Name``.
        candidates (Sequence[tuple[str, str]]): ``(shown, compared)`` pairs,
            e.g. from :func:`registered_names`; for plain names, ``(name,
            name)``.
        n (int): How many to return, ties aside. Defaults to 3.
        cutoff (float): Minimum similarity. Defaults to 0.6 (as
            :func:`difflib.get_close_matches`).

    Returns:
        list[str]: The shown names of the nearest candidates.
    """
    scope, query = word.split('.', 1) if '.' in word else (None, word)
    # a tie goes to a name of the scope the word asks for, if it asks for
    # one, else to a name usable without a scope prefix
    preferred = f'{scope}.' if scope else None
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(query.lower())
    scored = []
    for shown, compared in dict(candidates).items():
        matcher.set_seq1(compared.lower())
        # first discard, cheaply, names with too few letters in common
        if matcher.real_quick_ratio() < cutoff or \
                matcher.quick_ratio() < cutoff:
            continue
        ratio = similarity(query, compared)
        if ratio >= cutoff:
            other = not shown.startswith(preferred) if preferred else \
                shown != compared
            scored.append((-ratio, other, shown))
    scored.sort()
    if len(scored) > n:
        last = scored[n - 1][0]
        scored = [s for s in scored if s[0] <= last][:MAX_SUGGESTIONS]
    return [shown for _, _, shown in scored]


def _parameters(function: Callable[..., Any],
                skip_first: bool) -> Tuple[List[str], bool]:
    """Named parameters of ``function`` and whether it takes ``**kwargs``."""
    try:
        params = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature
        return [], True
    if skip_first and params:
        params = params[1:]
    names = [
        p.name for p in params
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    return names, any(p.kind == p.VAR_KEYWORD for p in params)


def accepted_keys(obj: Any) -> Tuple[List[str], bool]:
    """The keyword arguments a registered class or function takes.

    For a class, its ``__init__``'s parameters, then, where that takes
    ``**kwargs``, those of the next ``__init__`` up the MRO (the usual
    ``super().__init__(**kwargs)``), until one takes no ``**kwargs``
    (``object`` and ``torch.nn.Module`` take none from a config).

    Args:
        obj (type | Callable): What a config's ``type`` names.

    Returns:
        tuple[list[str], bool]: The keys in signature order, and whether
        more are accepted (the chain ended in an open ``**kwargs``).
    """
    if not inspect.isclass(obj):
        return _parameters(obj, skip_first=False)
    import torch.nn as nn
    keys: List[str] = []
    for klass in obj.__mro__:
        if klass in (object, nn.Module):
            return keys, False
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        names, more = _parameters(init, skip_first=True)
        keys += [name for name in names if name not in keys]
        if not more:
            return keys, False
    return keys, True
