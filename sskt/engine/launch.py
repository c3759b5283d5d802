"""Config changes that ``tools/train.py`` applies for ``--amp`` and launchers."""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

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
        RuntimeError: No CUDA device is visible (mmengine's AMP needs one).
        ValueError: ``amp_dtype`` is not one of :data:`AMP_DTYPES`.
    """
    if not torch.cuda.is_available():
        raise RuntimeError(
            '--amp needs a CUDA GPU (mmengine\'s AmpOptimWrapper runs only '
            'on CUDA) and none is visible here; drop --amp to train in '
            'float32 on the CPU.')
    wrapper = cfg.optim_wrapper
    if wrapper.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
        return
    if wrapper.get('type', 'OptimWrapper') != 'OptimWrapper':
        raise ValueError(
            f'--amp converts an OptimWrapper, but optim_wrapper.type is '
            f'{wrapper.type!r}; set its own mixed-precision options in the '
            'config instead.')
    dtype = cfg.get('amp_dtype', 'float16')
    if dtype not in AMP_DTYPES:
        raise ValueError(f'amp_dtype must be one of {AMP_DTYPES}, got '
                         f'{dtype!r}; fix it in the config or with '
                         '--cfg-options amp_dtype=bfloat16.')
    wrapper.type = 'AmpOptimWrapper'
    wrapper.dtype = dtype
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
        RuntimeError: The torchrun environment variables are missing.
    """
    if torch.cuda.is_available():
        return
    missing = [
        key for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
        if key not in os.environ
    ]
    if missing:
        raise RuntimeError(
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
