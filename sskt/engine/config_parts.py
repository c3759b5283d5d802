"""Config parts: the building blocks of config files, not settings of a run.

A top-level name in a config file that starts with one underscore and is not
of mmengine's ``_x_`` form (``_base_``, ``_scope_``, ``_delete_``) is a
*config part*, e.g. ``_sources`` or ``_aux_tm`` in ``configs/_base_/sskt/``.
Other configs inherit parts and use them as ``_base_._sskt`` (plain Python:
mmengine 0.10.7 runs a config's code with ``_base_`` bound to its merged
bases) or ``{{_base_._sskt}}``. Parts are needed because mmengine refuses the
same key in two bases and drops ``__x`` names before ``{{_base_.x}}`` sees
them. :func:`drop_config_parts` removes them from a merged config, so that
``print_config`` and the work-dir config the Runner dumps show only what the
run uses (``configs/sskt/README.md``, "How a row is written").
"""
from typing import Any, Dict, List

from mmengine.config import Config

from sskt.utils.errors import ConfigError


def is_config_part(name: str) -> bool:
    """Whether a top-level config name is a config part.

    Args:
        name (str): A top-level key of a config.

    Returns:
        bool: ``True`` for ``_x`` (one leading underscore, no trailing one);
        ``False`` for settings (``model``), for mmengine's ``_base_`` /
        ``_scope_`` / ``_delete_`` and for ``__x`` (mmengine drops those).
    """
    return (name.startswith('_') and not name.startswith('__')
            and not name.endswith('_'))


def config_parts(cfg: Config) -> List[str]:
    """The names of the config parts at the top level of ``cfg``.

    Args:
        cfg (Config): A merged config.

    Returns:
        list[str]: The part names, in the config's order.
    """
    return [name for name in cfg.keys() if is_config_part(name)]


def drop_config_parts(cfg: Config) -> Config:
    """A copy of ``cfg`` without its config parts and without shared values.

    Args:
        cfg (Config): A config as :meth:`mmengine.config.Config.fromfile`
            reads it.

    Returns:
        Config: The same settings, with the same file name, text and
        environment variables; no top-level ``_x`` key, and no dict or list
        that appears in two places.
    """
    # to_dict() builds a new dict or list for every occurrence of a value
    # that `{{_base_.x}}` or `_base_.x` put in two places
    settings: Dict[str, Any] = {
        name: value
        for name, value in cfg.to_dict().items() if not is_config_part(name)
    }
    return Config(
        settings,
        cfg_text=cfg.text,
        filename=cfg.filename,
        env_variables=cfg.env_variables)


def check_no_part_overrides(cfg_options: Dict[str, Any]) -> None:
    """Refuse ``--cfg-options`` keys that name a config part.

    A part is read while the config files are parsed; once they are merged,
    changing it changes nothing, so such an override would be silently lost.

    Args:
        cfg_options (dict): ``{dotted.key: value}`` overrides.

    Raises:
        ConfigError: A key's first segment is a config part.
    """
    for key in cfg_options:
        head = key.split('.', 1)[0]
        if is_config_part(head):
            raise ConfigError(
                f'--cfg-options {key}: {head!r} is a config part (a building '
                'block the config files use while they are read, dropped '
                'from the merged config), so changing it here has no effect; '
                'override the setting it fed instead, e.g. '
                'model.sources.imagenet.checkpoint=PATH (print the merged '
                'config with tools/misc/print_config.py CONFIG to see the '
                'keys).')
