"""Check, at import time, that the installed stack is the one sskt supports.

The OpenMMLab packages must be exactly the tested set: other releases of
mmengine, mmcv, mmpretrain and mmaction2 do not import together or break
resume. torch older than 2.6 lacks the safe ``torch.load`` allow-list that
resume relies on. Other torch/torchvision releases (and local build tags such
as ``+cu130``) only earn a warning.
"""
import re
import warnings
from importlib import metadata
from typing import Callable, Dict, Optional, Tuple

#: OpenMMLab distributions pinned exactly: ``{distribution: version}``.
#: ``mmcv-lite`` and the full ``mmcv`` provide the same ``mmcv`` package.
REQUIRED_OPENMMLAB: Dict[str, str] = {
    'mmengine': '0.10.7',
    'mmcv-lite': '2.0.1',
    'mmpretrain': '1.2.0',
    'mmaction2': '1.1.0',
}
#: The oldest torch with the ``weights_only`` allow-list resume needs.
MIN_TORCH: Tuple[int, int] = (2, 6)
#: The torch/torchvision releases the test suite runs on.
TESTED_TORCH = {'torch': '2.14.1', 'torchvision': '0.29.1'}

INSTALL_HINT = ('install the tested set with '
                '`pip install -r requirements/runtime.txt` (or `make test`)')


def installed_version(distribution: str) -> Optional[str]:
    """Return the installed version of a distribution, or None.

    ``mmcv-lite`` falls back to the full ``mmcv`` distribution.

    Args:
        distribution (str): The distribution name, e.g. ``'mmengine'``.

    Returns:
        str | None: The version string, or None when the distribution is not
        installed.
    """
    names = [distribution] + (['mmcv'] if distribution == 'mmcv-lite' else [])
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _public(version: Optional[str]) -> Optional[str]:
    """Drop a local build tag: ``'2.14.1+cu130'`` → ``'2.14.1'``."""
    return version.split('+')[0] if version else version


def _major_minor(version: str) -> Tuple[int, int]:
    """Parse ``'2.6.0rc1+cu124'`` into ``(2, 6)``; unparsable: ``(0, 0)``."""
    match = re.match(r'(\d+)\.(\d+)', version)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def check_dependencies(
        get_version: Callable[[str],
                              Optional[str]] = installed_version) -> None:
    """Fail with one sentence if the stack is unsupported, warn if untested.

    Args:
        get_version (Callable): Maps a distribution name to its installed
            version or None. Tests pass a fake one.

    Raises:
        ImportError: An OpenMMLab package differs from the pinned set, or
            torch is older than 2.6 (or missing).
    """
    found = {n: _public(get_version(n)) for n in REQUIRED_OPENMMLAB}
    wrong = {n: v for n, v in found.items() if v != REQUIRED_OPENMMLAB[n]}
    if wrong:
        expected = ', '.join(f'{n}=={v}'
                             for n, v in REQUIRED_OPENMMLAB.items())
        got = ', '.join(f'{n} {v or "not installed"}'
                        for n, v in wrong.items())
        raise ImportError(f'sskt needs {expected}, but found {got}; '
                          f'{INSTALL_HINT}.')
    torch_version = _public(get_version('torch'))
    if torch_version is None or _major_minor(torch_version) < MIN_TORCH:
        raise ImportError(
            f'sskt needs torch>={MIN_TORCH[0]}.{MIN_TORCH[1]} (tested with '
            f'torch=={TESTED_TORCH["torch"]}), but found torch '
            f'{torch_version or "not installed"}; {INSTALL_HINT}.')
    for name, tested in TESTED_TORCH.items():
        version = _public(get_version(name))
        if version != tested:
            warnings.warn(
                f'sskt is tested with {name}=={tested}; found {name} '
                f'{version or "not installed"}. It should work, but if '
                f'something breaks, {INSTALL_HINT}.',
                stacklevel=2)
