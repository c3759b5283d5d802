"""Train and test one config under several seeds in this process.

``tools/run_seeds.py`` and ``tools/demo.py`` run many short trainings one
after another; a new Python process per run would pay the ~8 s of imports
each time. Each run gets its own work_dir and a unique experiment name (so
mmengine's per-experiment logger, message hub and visualizer are fresh),
and is built exactly as ``tools/train.py`` builds it: ``Runner.from_cfg``.
"""
import copy
import os.path as osp
import uuid
from typing import Dict

from mmengine.config import Config
from mmengine.runner import Runner


def seed_work_dir(root: str, seed: int) -> str:
    """Where the run of ``seed`` goes: ``root/seed<seed>``."""
    return osp.join(root, f'seed{seed}')


def train_and_test(cfg: Config, work_dir: str, seed: int) -> Dict[str, float]:
    """Train ``cfg`` with ``randomness.seed = seed``, then test it.

    The test uses the final weights (what the same Runner holds after
    training), and its metrics land in the run's ``<timestamp>.json`` where
    :func:`sskt.analysis.find_runs` reads them.

    Args:
        cfg (Config): The config (not changed).
        work_dir (str): The run's work_dir.
        seed (int): The seed.

    Returns:
        dict[str, float]: The test metrics (empty when the config has no
        ``test_dataloader``).
    """
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.setdefault('randomness', {})['seed'] = seed
    name = osp.splitext(osp.basename(cfg.filename or 'config'))[0]
    cfg.experiment_name = f'{name}_seed{seed}_{uuid.uuid4().hex[:8]}'
    runner = Runner.from_cfg(cfg)
    runner.train()
    if cfg.get('test_dataloader') is None:
        return {}
    return runner.test()
