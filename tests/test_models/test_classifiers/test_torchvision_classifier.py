"""Tests of TorchvisionClassifier: loss, predictions, and that a FrozenSource
reads its mmengine checkpoint (how the demo's source is made)."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.runner import save_checkpoint
from mmpretrain.structures import DataSample

from sskt.models.classifiers import TorchvisionClassifier
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


@pytest.fixture
def model():
    torch.manual_seed(0)
    return TorchvisionClassifier('resnet18', num_classes=3).eval()


def _batch():
    torch.manual_seed(1)
    images = torch.randn(4, 3, 32, 32)
    samples = [DataSample().set_gt_label(i % 3) for i in range(4)]
    return images, samples


def test_loss_is_cross_entropy_of_the_network(model):
    images, samples = _batch()
    logits = model.net(images)
    loss = model(images, samples, mode='loss')['loss']
    assert torch.allclose(loss,
                          F.cross_entropy(logits, torch.tensor([0, 1, 2, 0])))
    assert torch.equal(model(images), logits)


def test_predictions_are_the_softmax_and_its_argmax(model):
    images, samples = _batch()
    probs = F.softmax(model.net(images), dim=1)
    predicted = model(images, samples, mode='predict')
    for sample, row in zip(predicted, probs):
        assert torch.allclose(sample.pred_score, row)
        assert sample.pred_label.item() == row.argmax().item()
    with pytest.raises(ConfigError, match='Invalid mode'):
        model(images, mode='features')


def test_frozen_source_reads_its_checkpoint(model, tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    save_checkpoint({'state_dict': model.state_dict()}, path)
    source = MODELS.build(
        dict(
            type='FrozenSource',
            arch='resnet18',
            num_classes=3,
            checkpoint=path,
            checkpoint_prefix='net.',
            adapter=None))
    source.init_weights()
    images, _ = _batch()
    assert torch.allclose(source(images), model.net(images), atol=1e-6)


def test_built_from_a_config_with_the_classifier_preprocessor():
    model = MODELS.build(
        dict(
            type='TorchvisionClassifier',
            arch='resnet18',
            num_classes=5,
            data_preprocessor=dict(mean=[1., 2., 3.], std=[2., 2., 2.])))
    assert type(model.data_preprocessor).__name__ == 'ClsDataPreprocessor'
    assert model.data_preprocessor.mean.flatten().tolist() == [1., 2., 3.]
