import warnings

import pytest

from sskt.utils.dependency_check import (REQUIRED_OPENMMLAB, TESTED_TORCH,
                                         check_dependencies)

TESTED = {**REQUIRED_OPENMMLAB, **TESTED_TORCH}


def fake_versions(**changes):
    """A version lookup returning the tested set with ``changes`` applied."""
    versions = {name.replace('-', '_'): v for name, v in TESTED.items()}
    versions.update(changes)
    return lambda name: versions[name.replace('-', '_')]


def test_tested_set_passes_silently():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        check_dependencies(fake_versions())


def test_local_build_tags_are_fine():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        check_dependencies(
            fake_versions(torch='2.14.1+cu130', torchvision='0.29.1+cu130'))


@pytest.mark.parametrize('name,version', [('mmengine', '0.10.6'),
                                          ('mmcv_lite', '2.1.0'),
                                          ('mmpretrain', '1.1.0'),
                                          ('mmaction2', '1.2.0'),
                                          ('mmaction2', None)])
def test_other_openmmlab_release_fails_in_one_sentence(name, version):
    with pytest.raises(ImportError) as info:
        check_dependencies(fake_versions(**{name: version}))
    message = str(info.value)
    assert message.startswith(
        'sskt needs mmengine==0.10.7, mmcv-lite==2.0.1, mmpretrain==1.2.0, '
        'mmaction2==1.1.0, but found ')
    assert f'{name.replace("_", "-")} {version or "not installed"}' in message
    assert message.count('. ') == 0 and message.endswith('.')


@pytest.mark.parametrize('version', ['2.5.1', '1.13.1+cu117', None])
def test_old_torch_fails(version):
    with pytest.raises(ImportError, match=r'torch>=2\.6'):
        check_dependencies(fake_versions(torch=version))


@pytest.mark.parametrize('name,version', [('torch', '2.6.0'),
                                          ('torch', '2.11.0+cu128'),
                                          ('torchvision', '0.26.0')])
def test_other_torch_releases_only_warn(name, version):
    with pytest.warns(UserWarning, match=f'tested with {name}=='):
        check_dependencies(fake_versions(**{name: version}))
