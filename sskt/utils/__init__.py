"""Utilities that need no registry."""
from .dependency_check import check_dependencies
from .errors import (ConfigError, EnvironmentSetupError, MalformedFileError,
                     MissingFileError, SSKTUserError)

__all__ = [
    'check_dependencies', 'ConfigError', 'EnvironmentSetupError',
    'MalformedFileError', 'MissingFileError', 'SSKTUserError'
]
