"""What the command-line tools share: user errors become one paragraph."""
import functools
import sys
from typing import Any, Callable, NoReturn, TypeVar

from .build_errors import translate_build_error
from .errors import SSKTUserError

F = TypeVar('F', bound=Callable[..., Any])


def _exit_with(error: SSKTUserError) -> NoReturn:
    """Print ``error: <paragraph>`` on stderr and exit with status 1."""
    print(f'error: {error}', file=sys.stderr)
    raise SystemExit(1) from None


def exit_on_user_error(main: F) -> F:
    """Print a user error as ``error: …`` and exit with status 1.

    User errors are :class:`SSKTUserError` and the config mistakes that a
    registry build meets (an unknown ``type``, an unknown or missing key),
    which :func:`~sskt.utils.build_errors.translate_build_error` turns into a
    :class:`ConfigError` naming the key and the nearest valid names. Any
    other exception is a bug, so it keeps its traceback.

    Args:
        main (Callable): The tool's ``main`` function.

    Returns:
        Callable: ``main`` wrapped.
    """

    @functools.wraps(main)
    def wrapper(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except SSKTUserError as error:
            _exit_with(error)
        except Exception as error:
            try:
                translated = translate_build_error(error)
            except Exception:  # never hide the error behind one of ours
                translated = None
            if translated is None:
                raise
            _exit_with(translated)

    return wrapper  # type: ignore[return-value]
