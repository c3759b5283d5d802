"""TorchvisionResNetPretrained: torchvision weights into mmpretrain ResNet."""
import pytest
import torch
from mmengine.registry import DefaultScope

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError, MalformedFileError
from tests.data.checkpoints import write_torchvision_checkpoint


def _resnet(depth, checkpoint, zero_init_residual=False):
    with DefaultScope.overwrite_default_scope('sskt'):
        backbone = MODELS.build(
            dict(
                _scope_='mmpretrain',
                type='ResNet',
                depth=depth,
                zero_init_residual=zero_init_residual,
                init_cfg=dict(
                    type='sskt.TorchvisionResNetPretrained',
                    checkpoint=checkpoint)))
    return backbone


def test_loads_every_backbone_weight(tmp_path):
    path = str(tmp_path / 'resnet18_imagenet.pth')
    reference = write_torchvision_checkpoint(path, 'resnet18', 1000)
    backbone = _resnet(18, path)
    backbone.init_weights()
    loaded = backbone.state_dict()
    expected = {
        k: v
        for k, v in reference.state_dict().items() if not k.startswith('fc.')
    }
    assert loaded.keys() == expected.keys()
    for key, value in expected.items():
        assert torch.equal(loaded[key], value), key
    backbone.eval()
    image = torch.rand(1, 3, 64, 64)
    features = torch.nn.Sequential(*list(reference.children())[:-2])
    assert torch.allclose(backbone(image)[-1], features(image), atol=1e-5)


def test_another_depth_is_refused(tmp_path):
    path = str(tmp_path / 'resnet18_imagenet.pth')
    write_torchvision_checkpoint(path, 'resnet18', 10)
    with pytest.raises(MalformedFileError, match='unexpected keys|missing'):
        _resnet(34, path).init_weights()


def test_zero_init_residual_would_undo_the_load(tmp_path):
    path = str(tmp_path / 'resnet18_imagenet.pth')
    write_torchvision_checkpoint(path, 'resnet18', 10)
    with pytest.raises(ConfigError, match='zero_init_residual=False'):
        _resnet(18, path, zero_init_residual=True).init_weights()


def test_a_file_without_num_batches_tracked_loads(tmp_path):
    # torchvision's v1 ImageNet files were written before PyTorch 0.4.
    path = str(tmp_path / 'resnet18_v1.pth')
    reference = write_torchvision_checkpoint(path, 'resnet18', 10)
    state = {
        k: v
        for k, v in torch.load(path, weights_only=True).items()
        if not k.endswith('num_batches_tracked')
    }
    torch.save(state, path)
    backbone = _resnet(18, path)
    backbone.init_weights()
    assert torch.equal(backbone.layer4[1].bn2.running_var,
                       reference.layer4[1].bn2.running_var)
    assert backbone.bn1.num_batches_tracked.item() == 0


def test_the_report_lists_the_keys(tmp_path):
    path = str(tmp_path / 'resnet18_imagenet.pth')
    write_torchvision_checkpoint(path, 'resnet18', 10)
    with pytest.raises(MalformedFileError) as info:
        _resnet(34, path).init_weights()
    # ResNet-34 has 1 + 2 + 4 + 1 = 8 more blocks than ResNet-18, each with
    # 2 convs and 2 BNs: 2 + 2 * 4 = 10 keys (num_batches_tracked unlisted).
    assert str(info.value).startswith(
        f'{path} does not fit ResNet: 80 missing keys: layer1.2.conv1.weight,')


def test_a_url_is_refused(tmp_path):
    url = 'https://download.pytorch.org/models/resnet18-f37072fd.pth'
    with pytest.raises(ConfigError, match='is a URL; sskt never downloads'):
        _resnet(18, url).init_weights()
