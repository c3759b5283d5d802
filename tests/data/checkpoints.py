"""Write tiny source checkpoints in the three layouts sskt reads.

Each writer builds a seeded torchvision network (randomised BN statistics so
that a wrong load shows in the logits), saves it in the real layout and returns
the network, in eval mode, so tests can compare logits exactly.
"""
from typing import Dict, Optional

import torch
import torchvision
from torch import Tensor, nn


def make_network(arch: str = 'resnet18',
                 num_classes: int = 10,
                 seed: int = 0) -> nn.Module:
    """Build a seeded torchvision network with non-trivial BN statistics.

    Args:
        arch (str): torchvision builder name. Defaults to ``'resnet18'``.
        num_classes (int): Classes. Defaults to 10.
        seed (int): Random seed. Defaults to 0.

    Returns:
        nn.Module: The network, in eval mode.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = torchvision.models.get_model(
            arch, weights=None, num_classes=num_classes)
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            shape = module.running_mean.shape
            module.running_mean.copy_(0.1 *
                                      torch.randn(shape, generator=generator))
            module.running_var.copy_(0.5 +
                                     torch.rand(shape, generator=generator))
            module.num_batches_tracked.fill_(100)
    return model.eval()


def write_torchvision_checkpoint(path: str,
                                 arch: str = 'resnet18',
                                 num_classes: int = 10,
                                 seed: int = 0,
                                 key_prefix: str = '') -> nn.Module:
    """Save ``model.state_dict()``, as torchvision's weight files are.

    Args:
        path (str): Output file.
        arch (str): torchvision builder name. Defaults to ``'resnet18'``.
        num_classes (int): Classes. Defaults to 10.
        seed (int): Random seed. Defaults to 0.
        key_prefix (str): Prefix added to every key, e.g. ``'module.'`` for
            a DataParallel state dict. Defaults to ''.

    Returns:
        nn.Module: The network whose weights were saved.
    """
    model = make_network(arch, num_classes, seed)
    state = model.state_dict()
    if key_prefix:
        state = {key_prefix + k: v for k, v in state.items()}
    torch.save(state, path)
    return model


def write_csail_checkpoint(path: str,
                           arch: str = 'resnet18',
                           num_classes: int = 365,
                           seed: int = 0) -> nn.Module:
    """Save in the CSAIL Places365 ``*.pth.tar`` layout.

    ``{'epoch': 90, 'arch': arch, 'state_dict': {'module.' + k: v},
    'best_prec1': float}``, without ``num_batches_tracked`` (the CSAIL models
    predate PyTorch 0.4).

    Args:
        path (str): Output file.
        arch (str): torchvision builder name. Defaults to ``'resnet18'``.
        num_classes (int): Classes. Defaults to 365.
        seed (int): Random seed. Defaults to 0.

    Returns:
        nn.Module: The network whose weights were saved.
    """
    model = make_network(arch, num_classes, seed)
    state = {
        'module.' + k: v
        for k, v in model.state_dict().items()
        if not k.endswith('num_batches_tracked')
    }
    torch.save(
        {
            'epoch': 90,
            'arch': arch,
            'state_dict': state,
            'best_prec1': 54.65
        }, path)
    return model


def write_mmengine_checkpoint(
        path: str,
        prefix: str = 'net.',
        arch: str = 'resnet18',
        num_classes: int = 10,
        seed: int = 0,
        extra_state: Optional[Dict[str, Tensor]] = None) -> nn.Module:
    """Save in mmengine's layout: ``{'meta': {...}, 'state_dict': {...}}``.

    Args:
        path (str): Output file.
        prefix (str): Prefix of the network's keys, i.e. the attribute that
            held it in the saved model. Defaults to ``'net.'``.
        arch (str): torchvision builder name. Defaults to ``'resnet18'``.
        num_classes (int): Classes. Defaults to 10.
        seed (int): Random seed. Defaults to 0.
        extra_state (dict[str, Tensor], optional): Other entries of the saved
            model's state dict (e.g. a target's weights). Defaults to None.

    Returns:
        nn.Module: The network whose weights were saved.
    """
    model = make_network(arch, num_classes, seed)
    state = dict(extra_state or {})
    state.update({prefix + k: v for k, v in model.state_dict().items()})
    meta = {
        'epoch': 3,
        'iter': 120,
        'mmengine_version': '0.10.7',
        'seed': seed,
        'experiment_name': 'fixture'
    }
    torch.save({'meta': meta, 'state_dict': state}, path)
    return model
