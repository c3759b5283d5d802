"""Checks of numeric config values, refused at build time with the key.

A negative loss weight makes the optimizer maximise that loss, and a
temperature of 0 or less divides by zero or flips the softmax; both train
without an error and give a wrong model, so models refuse them when built.
"""
import numbers
from typing import Any

from .errors import ConfigError

#: Why a loss weight must not be negative, for :func:`require_non_negative`.
WEIGHT_REASON = ('it weighs a loss, and a negative weight maximises that '
                 'loss instead of minimising it')
#: Why a temperature must be positive, for :func:`require_positive`.
TEMPERATURE_REASON = ('it is a temperature, which the logits are divided by '
                      '(1 leaves them as they are)')


def _is_number(value: Any) -> bool:
    """A real number, not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def require_non_negative(key: str,
                         value: Any,
                         why: str = WEIGHT_REASON) -> Any:
    """Refuse a value below 0, e.g. a loss weight.

    Args:
        key (str): The config key, e.g. ``'model.alpha'``.
        value (Any): Its value.
        why (str): Why it must be ``>= 0``, for the message. Defaults to
            :data:`WEIGHT_REASON`.

    Returns:
        Any: ``value``, unchanged.

    Raises:
        ConfigError: If ``value`` is not a number ``>= 0``.
    """
    return _require(key, value, value >= 0 if _is_number(value) else False,
                    '>= 0', why, 'to 0 (off) or more')


def require_positive(key: str,
                     value: Any,
                     why: str = TEMPERATURE_REASON) -> Any:
    """Refuse a value of 0 or less, e.g. a temperature.

    Args:
        key (str): The config key, e.g. ``'model.T'``.
        value (Any): Its value.
        why (str): Why it must be ``> 0``, for the message. Defaults to
            :data:`TEMPERATURE_REASON`.

    Returns:
        Any: ``value``, unchanged.

    Raises:
        ConfigError: If ``value`` is not a number ``> 0``.
    """
    return _require(key, value, value > 0 if _is_number(value) else False,
                    '> 0', why, 'to a positive value')


def _require(key: str, value: Any, ok: bool, bound: str, why: str,
             fix: str) -> Any:
    """Return ``value`` if ``ok``, else raise the one-paragraph error."""
    if not ok:
        raise ConfigError(f'{key} must be a number {bound}, got {value!r}: '
                          f'{why}. Set {key} {fix}.')
    return value
