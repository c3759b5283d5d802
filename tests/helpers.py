"""Test helpers: tools imported by path, tiny training configs on digits."""
import copy
import importlib.util
import os.path as osp
import uuid
from types import ModuleType
from typing import Any, Dict, Optional

import torch
from mmengine.config import Config

from sskt.engine import load_config

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DIGITS_CONFIG = osp.join(REPO, 'configs', 'baselines', 'scratch',
                         'r20_digits.py')


def load_tool(relative_path: str) -> ModuleType:
    """Import a script under ``tools/`` by path, e.g. ``'train.py'``.

    Tests call its ``main(argv)`` in-process: a new Python process would pay
    ~8 s of imports.
    """
    path = osp.join(REPO, 'tools', relative_path)
    name = osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f'tools_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_digits_overrides(work_dir: str,
                          max_epochs: int = 2,
                          per_class: int = 8,
                          num_val: int = 40) -> Dict[str, Any]:
    """``--cfg-options`` that make r20_digits train in seconds.

    ResNet-8, ``per_class`` training images per class in batches of 20,
    validation on the first ``num_val`` test images.
    """
    return {
        'work_dir': work_dir,
        'experiment_name': f'test_{uuid.uuid4().hex[:8]}',
        'model.backbone.depth': 8,
        'train_dataloader.batch_size': 20,
        'train_dataloader.dataset.num_per_class': per_class,
        'val_dataloader.dataset.indices': num_val,
        'test_dataloader.dataset.indices': num_val,
        'train_cfg.max_epochs': max_epochs,
        'default_hooks.checkpoint.interval': 1,
        'default_hooks.logger.interval': 1,
    }


def tiny_digits_config(work_dir: str,
                       extra: Optional[Dict[str, Any]] = None,
                       **kwargs) -> Config:
    """The r20_digits config with :func:`tiny_digits_overrides` applied."""
    overrides = tiny_digits_overrides(work_dir, **kwargs)
    overrides.update(extra or {})
    return load_config(DIGITS_CONFIG, overrides)


def assert_step_equals_plain(model, plain, data) -> dict:
    """A distiller step whose extra loss weighs 0 equals the plain target's.

    Copies ``plain``'s weights into ``model.target``, runs one loss and
    backward on both with the same batch, and checks that ``loss_cls`` and
    every target gradient are identical.

    Returns:
        dict: The distiller's losses, for further checks.
    """
    model.target.load_state_dict(plain.state_dict())
    plain.train()
    model.train()
    plain_loss = plain(**copy.deepcopy(data), mode='loss')['loss']
    losses = model(**copy.deepcopy(data), mode='loss')
    assert torch.equal(losses['loss_cls'], plain_loss)
    sum(losses.values()).backward()
    plain_loss.backward()
    plain_grads = dict(plain.named_parameters())
    for name, param in model.target.named_parameters():
        assert torch.equal(param.grad, plain_grads[name].grad), name
    return losses
