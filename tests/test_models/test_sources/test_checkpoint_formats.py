"""Reading source checkpoints in their three layouts, and class-name files."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from sskt.models.sources import (detect_checkpoint_format, read_class_names,
                                 read_source_state_dict)
from sskt.utils.errors import (ConfigError, MalformedFileError,
                               MissingFileError, RefusedCheckpointError)
from tests.data.checkpoints import (write_csail_checkpoint,
                                    write_mmengine_checkpoint,
                                    write_torchvision_checkpoint)


class NotAllowed:
    """A class torch.load(weights_only=True) must refuse to rebuild."""


def assert_same_state(state, model, skip_num_batches_tracked=False):
    expected = {
        k: v
        for k, v in model.state_dict().items()
        if not (skip_num_batches_tracked and k.endswith('num_batches_tracked'))
    }
    assert list(state) == list(expected)
    for key, value in expected.items():
        assert torch.equal(state[key], value), key


def test_torchvision_layout(tmp_path):
    path = str(tmp_path / 'resnet18.pth')
    model = write_torchvision_checkpoint(path)
    assert detect_checkpoint_format(torch.load(path, weights_only=True)) == \
        'torchvision'
    assert_same_state(read_source_state_dict(path), model)


def test_dataparallel_prefix_is_stripped(tmp_path):
    path = str(tmp_path / 'dp.pth')
    model = write_torchvision_checkpoint(path, key_prefix='module.')
    assert_same_state(read_source_state_dict(path), model)


def test_csail_layout(tmp_path):
    path = str(tmp_path / 'resnet18_places365.pth.tar')
    model = write_csail_checkpoint(path)
    raw = torch.load(path, weights_only=True)
    assert detect_checkpoint_format(raw) == 'csail'
    assert all(k.startswith('module.') for k in raw['state_dict'])
    state = read_source_state_dict(path)
    assert_same_state(state, model, skip_num_batches_tracked=True)


@pytest.mark.parametrize('prefix', ['net.', 'net'])
def test_mmengine_layout_selects_prefix(tmp_path, prefix):
    path = str(tmp_path / 'epoch_3.pth')
    model = write_mmengine_checkpoint(
        path, extra_state={'target.fc.weight': torch.zeros(2, 2)})
    assert detect_checkpoint_format(torch.load(path, weights_only=True)) == \
        'mmengine'
    assert_same_state(read_source_state_dict(path, prefix=prefix), model)


def test_mmengine_layout_with_message_hub(tmp_path):
    # Real mmengine checkpoints carry HistoryBuffers and numpy scalars: the
    # allow-list registered on `import sskt` must let them through.
    path = str(tmp_path / 'epoch_1.pth')
    model = write_mmengine_checkpoint(path, prefix='')
    ckpt = torch.load(path, weights_only=True)
    ckpt['message_hub'] = {
        'log_scalars': {
            'train/loss': HistoryBuffer([1.0, 0.5], [1, 1])
        },
        'runtime_info': {
            'best': np.float64(0.25)
        }
    }
    torch.save(ckpt, path)
    assert_same_state(read_source_state_dict(path), model)


def test_prefix_that_matches_nothing(tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    write_mmengine_checkpoint(path, prefix='teacher.')
    with pytest.raises(MalformedFileError) as info:
        read_source_state_dict(path, prefix='net.')
    message = str(info.value)
    assert path in message and "'net.'" in message and 'teacher.' in message


def test_missing_file(tmp_path):
    path = str(tmp_path / 'nowhere' / 'resnet50.pth')
    with pytest.raises(MissingFileError) as info:
        read_source_state_dict(path)
    assert path in str(info.value)
    assert 'docs/dataset_prepare.md' in str(info.value)
    assert 'Weights' in str(info.value)


@pytest.mark.parametrize('name', [
    'https://download.pytorch.org/models/resnet50-0676ba61.pth',
    'torchvision://resnet50', 'open-mmlab://resnet50_caffe'
])
def test_remote_names_are_refused(name):
    with pytest.raises(ConfigError) as info:
        read_source_state_dict(name)
    kind = 'a URL' if name.startswith('https') else 'a remote file'
    assert str(info.value).startswith(
        f'Source checkpoint {name} is {kind}; sskt never downloads.')


def test_directory_is_not_a_checkpoint(tmp_path):
    with pytest.raises(MalformedFileError, match='not a file'):
        read_source_state_dict(str(tmp_path))


def test_garbage_file(tmp_path):
    path = tmp_path / 'weights.pth'
    path.write_text('not a checkpoint')
    with pytest.raises(MalformedFileError) as info:
        read_source_state_dict(str(path))
    message = str(info.value)
    assert message.startswith(f'Source checkpoint {path} cannot be read (16 '
                              'bytes; UnpicklingError: Unsupported operand')
    assert 'docs/dataset_prepare.md' in message
    assert 'weights_only' not in message


def test_disallowed_global_is_refused(tmp_path):
    path = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {'w': torch.ones(1)}, 'cfg': NotAllowed()}, path)
    with pytest.raises(RefusedCheckpointError) as info:
        read_source_state_dict(path)
    message = str(info.value)
    assert message.startswith(
        f'Source checkpoint {path} was refused: it asks to unpickle '
        f'{__name__}.NotAllowed, which no checkpoint of weights needs.')
    assert 'sskt never loads a file that way' in message
    assert 'will likely succeed' not in message


@pytest.mark.parametrize('obj, found', [([torch.ones(1)], 'a list'),
                                        ({
                                            'model': {
                                                'w': torch.ones(1)
                                            },
                                            'epoch': 3
                                        }, "keys ['model', 'epoch']")])
def test_unknown_layout(tmp_path, obj, found):
    path = str(tmp_path / 'other.pth')
    torch.save(obj, path)
    with pytest.raises(MalformedFileError) as info:
        read_source_state_dict(path)
    assert found in str(info.value) and path in str(info.value)


def test_non_tensor_entry(tmp_path):
    path = str(tmp_path / 'odd.pth.tar')
    torch.save({'state_dict': {'w': torch.ones(1), 'step': 3}}, path)
    with pytest.raises(MalformedFileError, match="'step'"):
        read_source_state_dict(path)


def test_class_names_one_per_line(tmp_path):
    path = tmp_path / 'classes.txt'
    path.write_text('tench, Tinca tinca\ngoldfish\n\n')
    assert read_class_names(str(path)) == ['tench, Tinca tinca', 'goldfish']


def test_class_names_csail_format(tmp_path):
    path = tmp_path / 'categories_places365.txt'
    path.write_text('/a/apartment_building/outdoor 1\n/a/airfield 0\n'
                    '/b/bamboo_forest 2\n')
    assert read_class_names(str(path)) == [
        'airfield', 'apartment_building/outdoor', 'bamboo_forest'
    ]


def test_class_names_csail_bad_indices(tmp_path):
    path = tmp_path / 'categories_places365.txt'
    path.write_text('/a/airfield 0\n/a/alley 0\n')
    with pytest.raises(MalformedFileError, match='indices'):
        read_class_names(str(path))


def test_class_names_missing_file(tmp_path):
    path = str(tmp_path / 'categories_places365.txt')
    with pytest.raises(MissingFileError, match=osp.basename(path)):
        read_class_names(path)
