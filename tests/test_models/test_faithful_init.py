"""The faithful rows start from the original code's initialisation.

The original code leaves the main classifier of its ImageNet-style and 3D
ResNets at ``nn.Linear``'s default (weight and bias both ``U(-1/sqrt(fan_in),
1/sqrt(fan_in))``) and, in its CIFAR ResNets, draws the classifier's weight
Kaiming-normal (fan_in, std ``sqrt(2/fan_in)``) and leaves its bias at that
same uniform default (docs/method.md, "Faithful mode";
docs/faithful_vs_default.md). Each sample of initial values is compared with
the exact CDF of the original's distribution by its Kolmogorov-Smirnov
statistic, below the critical value for its size at significance 1e-3 (fixed
seeds, so the outcome is fixed too); the default rows keep today's init.
"""
import math
import os.path as osp
from typing import Callable, Dict, List, Optional

import numpy as np
import pytest
import torch
from mmengine.model import initialize
from mmengine.registry import DefaultScope
from torch import nn

from sskt.engine import load_config
from sskt.models.heads import InitCfgI3DHead
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from tests.helpers import REPO

CIFAR_FAITHFUL = 'sskt/r20_stl10_pi_faithful.py'
VOC_FAITHFUL = 'sskt/r18_voc_pi_faithful.py'
VIDEO_FAITHFUL = 'sskt/r3d18_ucf101_pi_faithful.py'

#: The ``--cfg-options`` docs/faithful_vs_default.md gives for the other
#: ImageNet-style VOC rows.
VOC_TORCH_DEFAULT = {
    'model.target.head.init_cfg':
    dict(type='sskt.TorchDefault', layer='Linear')
}

#: Faithful row -> the default row with the same target.
DEFAULT_OF = {
    CIFAR_FAITHFUL: 'sskt/r20_stl10_pi.py',
    VOC_FAITHFUL: 'sskt/r18_voc_pi.py',
    VIDEO_FAITHFUL: 'sskt/r3d18_ucf101_pi.py',
}

_CACHE: Dict[str, nn.Module] = {}


def _config(row: str, overrides: Optional[dict] = None):
    return load_config(osp.join(REPO, 'configs', row), overrides)


def _build(cfg: dict, scope: Optional[str], seed: int) -> nn.Module:
    """Build and initialise a model config as the Runner does."""
    torch.manual_seed(seed)
    cfg = dict(cfg)
    if scope is not None:
        cfg['_scope_'] = scope
    with DefaultScope.overwrite_default_scope('sskt'):
        module = MODELS.build(cfg)
    module.init_weights()
    return module


def _target(row: str) -> nn.Module:
    """A row's initialised target (seed 0), built once per session."""
    if row not in _CACHE:
        _CACHE[row] = _build(_config(row).model.target, None, seed=0)
    return _CACHE[row]


def _fc(module: nn.Module) -> nn.Linear:
    """The main classifier of a target or of a head alone."""
    for name in ('head.fc', 'cls_head.fc_cls', 'fc', 'fc_cls'):
        try:
            return module.get_submodule(name)
        except AttributeError:
            continue
    raise AssertionError(f'no classifier in {type(module).__name__}')


def _head_samples(row: str,
                  head_key: str,
                  scope: str,
                  n: int,
                  overrides: Optional[dict] = None) -> dict:
    """The row's head built alone, over seeds 0, 1, ... until at least
    ``n`` bias values are drawn: its fc's pooled ``weight`` (at least ``n``)
    and ``bias`` values and its ``fan_in``."""
    head_cfg = _config(row, overrides).model.target[head_key]
    weights: List[np.ndarray] = []
    biases: List[np.ndarray] = []
    seed = 0
    while sum(b.size for b in biases) < n:
        fc = _fc(_build(head_cfg, scope, seed=seed))
        if sum(w.size for w in weights) < n:
            weights.append(fc.weight.detach().double().flatten().numpy())
        biases.append(fc.bias.detach().double().flatten().numpy())
        seed += 1
    return dict(
        weight=np.concatenate(weights),
        bias=np.concatenate(biases),
        fan_in=fc.in_features)


def uniform_cdf(bound: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: np.clip((x + bound) / (2 * bound), 0.0, 1.0)


def normal_cdf(std: float) -> Callable[[np.ndarray], np.ndarray]:

    def cdf(x: np.ndarray) -> np.ndarray:
        z = torch.from_numpy(np.asarray(x, dtype=np.float64))
        return (0.5 * (1.0 + torch.erf(z / (std * math.sqrt(2.0))))).numpy()

    return cdf


def ks_statistic(samples: np.ndarray, cdf: Callable) -> float:
    """sup |F_n(x) - F(x)| of the sample against the exact CDF."""
    x = np.sort(np.asarray(samples, dtype=np.float64))
    n = x.size
    f = cdf(x)
    above = np.arange(1, n + 1) / n - f
    below = f - np.arange(0, n) / n
    return float(max(above.max(), below.max()))


def ks_critical(n: int, significance: float = 1e-3) -> float:
    """The asymptotic Kolmogorov critical value sqrt(ln(2/a) / (2n))."""
    return math.sqrt(math.log(2 / significance) / (2 * n))


def assert_distributed(samples, cdf) -> None:
    d = ks_statistic(samples, cdf)
    assert d < ks_critical(len(samples)), \
        f'KS statistic {d:.4f} >= {ks_critical(len(samples)):.4f}'


def assert_not_distributed(samples, cdf) -> None:
    assert ks_statistic(samples, cdf) > 2 * ks_critical(len(samples))


def assert_linear_default(weight, bias, fan_in: int) -> None:
    """nn.Linear's default: both U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1 / math.sqrt(fan_in)
    for values in (weight, bias):
        values = np.asarray(values, dtype=np.float64)
        assert np.abs(values).max() <= bound
        assert np.count_nonzero(values) == values.size
        assert_distributed(values, uniform_cdf(bound))
        # the moments of U(-b, b), within 4 standard errors: mean 0 (SE
        # b/sqrt(3n)) and variance b^2/3 (relative SE sqrt(0.8/n), from the
        # uniform's kurtosis 1.8)
        n = values.size
        assert abs(values.mean()) < 4 * bound / math.sqrt(3 * n)
        assert values.var() == pytest.approx(
            bound**2 / 3, rel=4 * math.sqrt(0.8 / n))
    # and not mmpretrain's N(0, 0.01)
    assert_not_distributed(weight, normal_cdf(0.01))


def _values(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().double().flatten().numpy()


def test_ks_check_tells_the_distributions_apart():
    """The check itself: it accepts draws of the right distribution and
    refuses the ones the other inits give, at the sample sizes used here."""
    generator = np.random.default_rng(0)
    bound = 1 / 8
    uniform = generator.uniform(-bound, bound, 640)
    normal = generator.normal(0, math.sqrt(2 / 64), 640)
    assert_distributed(uniform, uniform_cdf(bound))
    assert_distributed(normal, normal_cdf(math.sqrt(2 / 64)))
    assert ks_statistic(uniform, normal_cdf(math.sqrt(2 / 64))) > \
        ks_critical(640)
    assert ks_statistic(normal, uniform_cdf(bound)) > ks_critical(640)


def test_cifar_resnet_fc_is_kaiming_weight_and_default_bias():
    fc = _fc(_target(CIFAR_FAITHFUL))
    fan_in = fc.in_features
    assert fan_in == 64
    weight, bias = _values(fc.weight), _values(fc.bias)
    # weight: kaiming_normal_(mode='fan_in'), std sqrt(2/64) = 0.1768
    assert_distributed(weight, normal_cdf(math.sqrt(2 / fan_in)))
    assert_not_distributed(weight, uniform_cdf(1 / math.sqrt(fan_in)))
    # bias: nn.Linear's default, not mmengine Kaiming's 0
    assert np.count_nonzero(bias) == bias.size
    assert np.abs(bias).max() <= 1 / math.sqrt(fan_in)
    # ten values per build: pool the head over seeds for the distribution
    pooled = _head_samples(CIFAR_FAITHFUL, 'head', 'mmpretrain', n=1000)
    assert_distributed(pooled['weight'], normal_cdf(math.sqrt(2 / fan_in)))
    bound = 1 / math.sqrt(fan_in)
    assert np.abs(pooled['bias']).max() <= bound
    assert_distributed(pooled['bias'], uniform_cdf(bound))


def test_imagenet_style_resnet_fc_is_linear_default():
    fc = _fc(_target(VOC_FAITHFUL))
    assert fc.in_features == 512
    assert_linear_default(
        _values(fc.weight), _values(fc.bias), fan_in=fc.in_features)
    pooled = _head_samples(VOC_FAITHFUL, 'head', 'mmpretrain', n=1000)
    assert_linear_default(pooled['weight'], pooled['bias'], fan_in=512)


@pytest.mark.parametrize('row,fan_in', [('sskt/r34_voc_pi.py', 512),
                                        ('sskt/r50_voc_pi.py', 2048)])
def test_other_voc_rows_take_the_linear_default_by_cfg_options(row, fan_in):
    """The documented --cfg-options on the r34/r50 rows (the head alone: its
    fc is what the option changes)."""
    pooled = _head_samples(
        row, 'head', 'mmpretrain', n=1000, overrides=VOC_TORCH_DEFAULT)
    assert pooled['fan_in'] == fan_in
    assert_linear_default(pooled['weight'], pooled['bias'], fan_in=fan_in)


def test_3d_resnet_fc_is_linear_default():
    target = _target(VIDEO_FAITHFUL)
    assert isinstance(target.cls_head, InitCfgI3DHead)
    fc = _fc(target)
    assert fc.in_features == 512
    assert_linear_default(
        _values(fc.weight), _values(fc.bias), fan_in=fc.in_features)
    pooled = _head_samples(VIDEO_FAITHFUL, 'cls_head', 'mmaction', n=1000)
    assert_linear_default(pooled['weight'], pooled['bias'], fan_in=512)


@pytest.mark.parametrize('row,std',
                         [('sskt/r20_stl10_pi.py', math.sqrt(2 / 64)),
                          ('sskt/r18_voc_pi.py', 0.01),
                          ('sskt/r3d18_ucf101_pi.py', 0.01)])
def test_default_rows_keep_todays_init(row, std):
    """Kaiming fan_in (CIFAR) or N(0, 0.01) (mmpretrain / mmaction heads),
    zero bias: the faithful init is for the faithful rows only."""
    fc = _fc(_target(row))
    assert_distributed(_values(fc.weight), normal_cdf(std))
    assert torch.count_nonzero(fc.bias) == 0


@pytest.mark.parametrize('row', sorted(DEFAULT_OF))
def test_faithful_init_changes_only_the_classifier(row):
    """Same seed, same target: every other parameter and buffer is equal to
    the default row's (the backbone's init is the original's already)."""
    faithful = _target(row).state_dict()
    default = _target(DEFAULT_OF[row]).state_dict()
    assert faithful.keys() == default.keys()
    differ = {k for k in faithful if not torch.equal(faithful[k], default[k])}
    if row == CIFAR_FAITHFUL:
        # the same Kaiming draw for the weight; only the bias is left alone
        assert differ == {'head.fc.bias'}
    elif row == VOC_FAITHFUL:
        assert differ == {'head.fc.weight', 'head.fc.bias'}
    else:
        assert differ == {'cls_head.fc_cls.weight', 'cls_head.fc_cls.bias'}


def test_kaiming_weight_leaves_every_bias_as_it_was():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(4, 8, 3), nn.Linear(8, 6))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    torch.manual_seed(1)
    initialize(
        net,
        dict(
            type='sskt.KaimingWeight',
            layer=['Conv2d', 'Linear'],
            mode='fan_in'))
    after = net.state_dict()
    assert torch.equal(after['0.bias'], before['0.bias'])
    assert torch.equal(after['1.bias'], before['1.bias'])
    # the weights are torch's own kaiming_normal_ draws, in module order
    torch.manual_seed(1)
    conv_w = torch.empty(8, 4, 3, 3)
    nn.init.kaiming_normal_(conv_w, mode='fan_in', nonlinearity='relu')
    fc_w = torch.empty(6, 8)
    nn.init.kaiming_normal_(fc_w, mode='fan_in', nonlinearity='relu')
    assert torch.equal(after['0.weight'], conv_w)
    assert torch.equal(after['1.weight'], fc_w)


def test_torch_default_redraws_as_reset_parameters_does():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 6), nn.ReLU())
    nn.init.constant_(net[0].weight, 0.5)
    nn.init.constant_(net[0].bias, 0.5)
    torch.manual_seed(3)
    initialize(net, dict(type='sskt.TorchDefault', layer='Linear'))
    torch.manual_seed(3)
    expected = nn.Linear(8, 6)  # its constructor calls reset_parameters()
    assert torch.equal(net[0].weight, expected.weight)
    assert torch.equal(net[0].bias, expected.bias)


def test_torch_default_refuses_a_layer_without_a_default():
    with pytest.raises(ConfigError, match="layer=\\['ReLU'\\]"):
        initialize(
            nn.Sequential(nn.Linear(2, 2), nn.ReLU()),
            dict(type='sskt.TorchDefault', layer='ReLU'))


def test_init_cfg_i3d_head_without_init_cfg_is_i3d_head():
    kwargs = dict(num_classes=7, in_channels=16, init_std=0.05)
    ours = _build(
        dict(type='sskt.InitCfgI3DHead', **kwargs), 'mmaction', seed=4)
    theirs = _build(dict(type='I3DHead', **kwargs), 'mmaction', seed=4)
    assert torch.equal(ours.fc_cls.weight, theirs.fc_cls.weight)
    assert torch.count_nonzero(ours.fc_cls.bias) == 0
    assert_distributed(_values(ours.fc_cls.weight), normal_cdf(0.05))
