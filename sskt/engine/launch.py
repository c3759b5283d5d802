"""Config loading, and the changes the tools make for --amp and launchers."""
import argparse
import os
import os.path as osp
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config, DictAction

from sskt.utils.errors import (ConfigError, EnvironmentSetupError,
                               MissingFileError)
from .config_parts import check_no_part_overrides, drop_config_parts
from .optimizers.separate_optim_wrapper_constructor import SHARED_KEYS


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config file, drop its config parts, apply ``--cfg-options``.

    Config parts (top-level ``_x`` names such as ``_sources``; see
    :mod:`sskt.engine.config_parts`) are building blocks of the config
    files, not settings of the run, so the returned config has none and no
    value shared between two places: ``print_config`` and the work-dir
    config the Runner dumps show only the settings.

    Args:
        path (str): The config file.
        cfg_options (dict, optional): ``{dotted.key: value}`` overrides.

    Returns:
        Config: The merged config, without config parts.

    Raises:
        MissingFileError: The file does not exist.
        ConfigError: An override names a config part.
    """
    if not osp.isfile(path):
        raise MissingFileError(
            f'Config file {path} does not exist; pass a path such as '
            'configs/baselines/scratch/r20_cifar10.py (README.md lists the '
            'configs).')
    cfg = drop_config_parts(Config.fromfile(path))
    if cfg_options:
        check_no_part_overrides(cfg_options)
        cfg.merge_from_dict(cfg_options)
    return cfg


def default_work_dir(config_path: str) -> str:
    """``work_dirs/<config name>``, the work directory mmpretrain tools use.

    Args:
        config_path (str): The config file.

    Returns:
        str: The work directory.
    """
    return osp.join('work_dirs', osp.splitext(osp.basename(config_path))[0])


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the flags ``tools/train.py`` and ``tools/test.py`` share.

    ``--work-dir``, ``--cfg-options``, ``--launcher`` and ``--local-rank``
    (which older launchers pass).

    Args:
        parser (argparse.ArgumentParser): The tool's parser; its ``config``
            positional argument is expected first.
    """
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, e.g. train_cfg.max_epochs=5 '
        'optim_wrapper.optimizer.lr=0.05')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_tool_config(args: argparse.Namespace) -> Config:
    """Load ``args.config``; apply the :func:`add_common_arguments` flags.

    The work directory is ``--work-dir``, else the config's ``work_dir``,
    else ``work_dirs/<config name>``.

    Args:
        args (argparse.Namespace): Parsed arguments.

    Returns:
        Config: The config, ready for tool-specific changes.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = load_config(args.config, args.cfg_options)
    disable_persistent_workers_without_workers(cfg)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = default_work_dir(args.config)
    if args.launcher == 'pytorch':
        prepare_cpu_distributed(cfg)
    return cfg


def disable_persistent_workers_without_workers(cfg: Config) -> None:
    """Let ``num_workers=0`` override a base config's ``persistent_workers``.

    PyTorch refuses ``persistent_workers=True`` with no workers, so a
    ``--cfg-options train_dataloader.num_workers=0`` (handy for debugging)
    would otherwise also need ``persistent_workers=False``.

    Args:
        cfg (Config): The config, changed in place.
    """
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if loader and loader.get('num_workers', 0) == 0:
            loader['persistent_workers'] = False


#: The mixed-precision dtypes ``amp_dtype`` accepts.
AMP_DTYPES = ('float16', 'bfloat16')


def enable_amp(cfg: Config) -> None:
    """Switch the config's optimizer wrapper to mixed precision.

    The dtype comes from the config's top-level ``amp_dtype`` (``'float16'``
    by default, ``'bfloat16'`` on GPUs that support it); an ``optim_wrapper``
    that is already an ``AmpOptimWrapper`` keeps its own settings.

    Args:
        cfg (Config): The training config, changed in place.

    Raises:
        EnvironmentSetupError: No CUDA device is visible (mmengine's AMP
            needs one).
        ConfigError: ``amp_dtype`` is not one of :data:`AMP_DTYPES`, or the
            optimizer wrapper is not a plain ``OptimWrapper``.
    """
    if not torch.cuda.is_available():
        raise EnvironmentSetupError(
            '--amp needs a CUDA GPU (mmengine\'s AmpOptimWrapper runs only '
            'on CUDA) and none is visible here; drop --amp to train in '
            'float32 on the CPU.')
    dtype = cfg.get('amp_dtype', 'float16')
    if dtype not in AMP_DTYPES:
        raise ConfigError(f'amp_dtype must be one of {AMP_DTYPES}, got '
                          f'{dtype!r}; fix it in the config or with '
                          '--cfg-options amp_dtype=bfloat16.')
    wrapper = cfg.optim_wrapper
    if wrapper.get('constructor') == 'SeparateOptimWrapperConstructor':
        # DML/MAXL: one wrapper per named part, each made mixed-precision
        not_parts = ('constructor', 'paramwise_cfg') + SHARED_KEYS
        for name, part in wrapper.items():
            if name not in not_parts:
                _make_amp(part, f'optim_wrapper.{name}', dtype)
    else:
        _make_amp(wrapper, 'optim_wrapper', dtype)


def _make_amp(wrapper: dict, key: str, dtype: str) -> None:
    """Turn one ``OptimWrapper`` config into an ``AmpOptimWrapper``."""
    kind = wrapper.get('type', 'OptimWrapper')
    if kind == 'AmpOptimWrapper':
        return
    if kind != 'OptimWrapper':
        raise ConfigError(
            f'--amp converts an OptimWrapper, but {key}.type is {kind!r}; '
            'set its own mixed-precision options in the config instead.')
    wrapper['type'] = 'AmpOptimWrapper'
    wrapper['dtype'] = dtype
    wrapper.setdefault('loss_scale', 'dynamic')


def prepare_cpu_distributed(cfg: Config) -> None:
    """Make a ``torchrun`` launch work on machines without CUDA.

    mmengine's own initialisation calls ``torch.cuda.set_device`` and its DDP
    wrapper passes ``device_ids=[local_rank]``; both fail without CUDA. So on
    such machines this starts the gloo process group itself (mmengine then
    skips its own) and wraps the model without device ids. With CUDA it
    changes nothing.

    Args:
        cfg (Config): The config, changed in place.

    Raises:
        EnvironmentSetupError: The torchrun environment variables are
            missing.
    """
    if torch.cuda.is_available():
        return
    missing = [
        key for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
        if key not in os.environ
    ]
    if missing:
        raise EnvironmentSetupError(
            f'--launcher pytorch expects the variables torchrun sets, but '
            f'{", ".join(missing)} are missing; start with '
            '`torchrun --nproc_per_node N tools/train.py ...` or '
            '`bash tools/dist_train.sh CONFIG N`.')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or {}
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
