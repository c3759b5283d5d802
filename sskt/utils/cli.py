"""What the command-line tools share: user errors become one paragraph."""
import functools
import sys
from typing import Any, Callable, TypeVar

from .errors import SSKTUserError

F = TypeVar('F', bound=Callable[..., Any])


def exit_on_user_error(main: F) -> F:
    """Print an :class:`SSKTUserError` as ``error: …`` and exit with status 1.

    Any other exception is a bug, so it keeps its traceback.

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
            print(f'error: {error}', file=sys.stderr)
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]
