"""Negative weights and non-positive temperatures are refused at build time,
naming the key and the value, before any part of the model is built."""
import pytest

from sskt.models.distillers import DML, KD, MAXL, SSKT
from sskt.models.losses import BinaryKDLoss, KDLoss, SoftTargetCELoss
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError


@pytest.mark.parametrize('value', [-1, -0.5, float('nan'), '1', None, True])
def test_require_non_negative_refuses(value):
    with pytest.raises(
            ConfigError,
            match=r'model\.alpha must be a number >= '
            f'0, got {value!r}:'):
        require_non_negative('model.alpha', value)


@pytest.mark.parametrize('value', [0, -1.0, float('nan'), 'x', None, False])
def test_require_positive_refuses(value):
    with pytest.raises(
            ConfigError,
            match=r'model\.T must be a number > 0, '
            f'got {value!r}: it is a temperature'):
        require_positive('model.T', value)


def test_valid_values_pass_unchanged():
    assert require_non_negative('k', 0) == 0
    assert require_non_negative('k', 2.5) == 2.5
    assert require_positive('k', 1e-3) == 1e-3


# the checks run before the target is built: an empty target dict suffices
@pytest.mark.parametrize('build, key, value', [
    (lambda: SSKT(target={}, sources={}, alpha=-1.0), 'model.alpha', -1.0),
    (lambda: SSKT(target={}, sources={}, T=0), 'model.T', 0),
    (lambda: KD(target={}, teacher={}, ce_weight=-0.1), 'model.ce_weight',
     -0.1),
    (lambda: KD(target={}, teacher={}, kd_weight=-1), 'model.kd_weight', -1),
    (lambda: KD(target={}, teacher={}, T=-4.0), 'model.T', -4.0),
    (lambda: DML(peer={}, kl_weight=-1.0), 'model.kl_weight', -1.0),
    (lambda: DML(peer={}, T=0.0), 'model.T', 0.0),
    (lambda: MAXL(target={}, psi=[2], generator={}, entropy_weight=-0.2),
     'model.entropy_weight', -0.2),
    (lambda: MAXL(target={}, psi=[2], generator={}, aux_loss_gamma=-2),
     'model.aux_loss_gamma', -2),
    (lambda: MAXL(target={}, psi=[2], generator={}, finite_diff_eps=0),
     'model.finite_diff_eps', 0),
])
def test_distillers_refuse_bad_weights_and_temperatures(build, key, value):
    with pytest.raises(ConfigError) as info:
        build()
    assert str(info.value).startswith(f'{key} must be a number ')
    assert f'got {value!r}' in str(info.value)


@pytest.mark.parametrize('loss', [KDLoss, SoftTargetCELoss, BinaryKDLoss])
@pytest.mark.parametrize('T', [0, -1.0])
def test_soft_logit_losses_refuse_non_positive_temperatures(loss, T):
    with pytest.raises(
            ConfigError,
            match=f'{loss.__name__} T must be a '
            f'positive number, got {T!r}'):
        loss(T=T)
