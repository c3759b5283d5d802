"""Errors about the user's input: files, configs, the machine.

Each carries a message that names the file or key and says what to do. The
command-line tools print such errors as one paragraph instead of a traceback;
any other exception is a bug and keeps its traceback. Each class also derives
from the built-in exception a caller would expect (``FileNotFoundError`` for a
missing file, ``ValueError`` for malformed content), and takes a single message
argument, so mmengine's builders can re-raise it with the class name prepended.
"""


class SSKTUserError(Exception):
    """Base class of errors caused by input the user can fix."""


class MissingFileError(SSKTUserError, FileNotFoundError):
    """A file a config points to does not exist."""


class MalformedFileError(SSKTUserError, ValueError):
    """A file exists but is not in the expected format."""


class ConfigError(SSKTUserError, ValueError):
    """A config key holds a value sskt cannot use."""


class EnvironmentSetupError(SSKTUserError, RuntimeError):
    """The machine cannot run what was asked (e.g. ``--amp`` without CUDA)."""
