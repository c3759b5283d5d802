"""Errors about the user's input: files, configs, the machine.

Each carries a message that names the file or key and says what to do. The
command-line tools print such errors as one paragraph instead of a traceback;
any other exception is a bug and keeps its traceback. Each class also derives
from the built-in exception a caller would expect (``FileNotFoundError`` for a
missing file, ``ValueError`` for malformed content), and takes a single message
argument, so mmengine's builders can re-raise it with the class name prepended.

An error raised in a ``DataLoader`` worker reaches the main process re-built
from a message that holds the worker's whole traceback; :class:`SSKTUserError`
keeps only its own paragraph from such a message, so ``num_workers=2`` reports
exactly what ``num_workers=0`` does.
"""


def strip_worker_traceback(message: str, error_class: type) -> str:
    """Keep only the paragraph of a re-raised ``DataLoader`` worker error.

    PyTorch re-raises a worker's exception in the main process as
    ``error_class('Caught X in DataLoader worker process 0.\\nOriginal
    Traceback (most recent call last): ... module.X: <paragraph>')``.

    Args:
        message (str): The message the error is built with.
        error_class (type): The class being built.

    Returns:
        str: ``<paragraph>`` for such a message, else ``message`` unchanged.
    """
    if not message.startswith('Caught ') or \
            '\nOriginal Traceback' not in message:
        return message
    name = f'\n{error_class.__module__}.{error_class.__qualname__}: '
    at = message.rfind(name)
    if at < 0:
        return message
    return message[at + len(name):].rstrip('\n')


class SSKTUserError(Exception):
    """Base class of errors caused by input the user can fix."""

    def __init__(self, message: str = '') -> None:
        if isinstance(message, str):
            message = strip_worker_traceback(message, type(self))
        super().__init__(message)


class MissingFileError(SSKTUserError, FileNotFoundError):
    """A file a config points to does not exist."""


class MalformedFileError(SSKTUserError, ValueError):
    """A file exists but is not in the expected format."""


class RefusedCheckpointError(MalformedFileError):
    """A checkpoint asks to unpickle a global outside sskt's allow-list."""


class DataSampleError(MalformedFileError):
    """One sample of a dataset cannot be read (a bad image, a lost frame)."""


class ConfigError(SSKTUserError, ValueError):
    """A config key holds a value sskt cannot use."""


class EmptyDatasetError(ConfigError):
    """A dataset, after its settings are applied, holds no sample."""


class EnvironmentSetupError(SSKTUserError, RuntimeError):
    """The machine cannot run what was asked (e.g. ``--amp`` without CUDA)."""


class NonFiniteLossError(SSKTUserError, FloatingPointError):
    """Training produced a NaN or infinite loss or weight."""
