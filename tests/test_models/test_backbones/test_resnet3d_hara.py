"""HaraResNet3d, its shortcut A, Kinetics weights, and Recognizer3D use."""
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.registry import DefaultScope

from sskt.models.backbones import HaraResNet3d
from sskt.models.backbones.resnet3d_hara import HaraShortcutA
from sskt.models.weight_init_kinetics import HaraKineticsPretrained
from sskt.registry import MODELS
from sskt.utils.errors import ConfigError, MalformedFileError, MissingFileError
from tests.data.kinetics import write_hara_kinetics_checkpoint

MEAN = [114.7748, 107.7354, 99.4750]


def recognizer_cfg(**backbone):
    """The Recognizer3D + I3DHead config of a 3D target (UCF-101)."""
    return dict(
        _scope_='mmaction',
        type='Recognizer3D',
        backbone=dict(type='sskt.HaraResNet3d', **backbone),
        cls_head=dict(
            type='I3DHead',
            num_classes=101,
            in_channels=512,
            spatial_type='avg',
            dropout_ratio=0.5,
            average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=MEAN,
            std=[1, 1, 1],
            format_shape='NCTHW'))


def build(cfg):
    with DefaultScope.overwrite_default_scope('sskt'):
        return MODELS.build(cfg)


def clip_batch(labels=(3, 7), shape=(1, 3, 4, 32, 32)):
    """Raw clips in 0-255 (one per sample) and labelled data samples."""
    torch.manual_seed(0)
    return dict(
        inputs=[torch.rand(shape) * 255 for _ in labels],
        data_samples=[ActionDataSample().set_gt_labels(i) for i in labels])


def backbone(**kwargs):
    model = HaraResNet3d(**kwargs)
    model.init_weights()
    return model


@pytest.mark.parametrize('depth,channels', [(10, (64, 128, 256, 512)),
                                            (18, (64, 128, 256, 512)),
                                            (34, (64, 128, 256, 512)),
                                            (50, (256, 512, 1024, 2048))])
def test_stage_shapes(depth, channels):
    model = backbone(depth=depth, out_indices=(0, 1, 2, 3))
    assert model.stage_channels == model.out_channels == channels
    with torch.no_grad():
        outs = model(torch.rand(2, 3, 4, 32, 32))
    sizes = [(2, 8, 8), (1, 4, 4), (1, 2, 2), (1, 1, 1)]
    assert [o.shape for o in outs] == [(2, c) + s
                                       for c, s in zip(channels, sizes)]


def test_standard_clip_shapes():
    model = backbone(out_indices=(0, 1, 2, 3)).eval()
    with torch.no_grad():
        outs = model(torch.rand(1, 3, 16, 112, 112))
    assert [o.shape[1:] for o in outs] == [(64, 8, 28, 28), (128, 4, 14, 14),
                                           (256, 2, 7, 7), (512, 1, 4, 4)]


def test_stem_options_and_width():
    model = backbone(
        depth=10,
        conv1_t_size=3,
        conv1_t_stride=2,
        no_max_pool=True,
        widen_factor=0.5,
        out_indices=0)
    assert model.stage_channels == (32, 64, 128, 256)
    assert model.conv1.weight.shape == (32, 3, 3, 7, 7)
    with torch.no_grad():
        assert model(torch.rand(1, 3, 8, 32, 32)).shape == (1, 32, 4, 16, 16)


def test_out_indices_single_gives_a_tensor_several_a_tuple():
    x = torch.rand(1, 3, 4, 32, 32)
    with torch.no_grad():
        single = backbone(depth=10).eval()(x)
        last = backbone(depth=10, out_indices=-1).eval()(x)
        pair = backbone(depth=10, out_indices=(1, 3)).eval()(x)
    assert isinstance(single, torch.Tensor) and single.shape[1] == 512
    assert isinstance(last, torch.Tensor) and last.shape[1] == 512
    assert isinstance(pair, tuple) and [p.shape[1] for p in pair] == [128, 512]


@pytest.mark.parametrize('kwargs,match', [(dict(depth=20), 'depth'),
                                          (dict(shortcut='C'), 'shortcut'),
                                          (dict(out_indices=4), 'out_indices'),
                                          (dict(widen_factor=0), 'widen')])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        HaraResNet3d(**kwargs)


def test_original_init():
    model = backbone(depth=10, shortcut='B')
    fan_out = 64 * 7 * 7 * 7
    std = model.conv1.weight.std().item()
    assert abs(std - (2 / fan_out)**0.5) < 0.05 * std
    bn = model.layer2[0].downsample[1]
    assert torch.all(bn.weight == 1) and torch.all(bn.bias == 0)


def test_shortcut_a_subsamples_and_appends_zero_channels():
    shortcut = HaraShortcutA(out_channels=5, stride=2)
    assert list(shortcut.parameters()) == []
    x = torch.arange(2 * 3 * 3 * 5 * 4, dtype=torch.float).view(2, 3, 3, 5, 4)
    out = shortcut(x)
    assert out.shape == (2, 5, 2, 3, 2)
    assert torch.equal(out[:, :3], x[:, :, ::2, ::2, ::2])
    assert torch.all(out[:, 3:] == 0)


def test_shortcut_a_has_no_parameters_shortcut_b_has():
    keys_a = backbone(depth=10, shortcut='A').state_dict().keys()
    keys_b = backbone(depth=10, shortcut='B').state_dict().keys()
    assert not any('downsample' in k for k in keys_a)
    extra = sorted(set(keys_b) - set(keys_a))
    assert extra and all('.0.downsample.' in k for k in extra)
    assert 'layer2.0.downsample.0.weight' in extra
    assert 'layer1.0.downsample.0.weight' not in extra  # 64 -> 64, stride 1


def test_no_gradient_through_shortcut_a_by_default():
    x = torch.rand(1, 2, 2, 2, 2, requires_grad=True)
    assert not HaraShortcutA(4, 2)(x).requires_grad
    HaraShortcutA(4, 2, grad=True)(x).sum().backward()
    assert x.grad[0, :, 0, 0, 0].eq(1).all() and x.grad.sum() == 2

    # The whole network: the input gradient changes with shortcut_grad.
    grads = []
    for shortcut_grad in (False, True):
        torch.manual_seed(0)
        model = backbone(depth=10, shortcut_grad=shortcut_grad).eval()
        clip = torch.rand(1, 3, 4, 16, 16, requires_grad=True)
        model(clip).sum().backward()
        grads.append(clip.grad)
    assert not torch.allclose(grads[0], grads[1])


@pytest.fixture(scope='module')
def kinetics(tmp_path_factory):
    """Two fake resnet-18-kinetics.pth, shortcut A and shortcut B."""
    files = {}
    for shortcut in 'AB':
        path = str(tmp_path_factory.mktemp(shortcut) / 'r18-kinetics.pth')
        files[shortcut] = (path,
                           write_hara_kinetics_checkpoint(
                               path, 18, shortcut, seed=1))
    return files


def pretrained(path, **kwargs):
    return dict(
        init_cfg=dict(type='sskt.HaraKineticsPretrained', checkpoint=path),
        **kwargs)


@pytest.mark.parametrize('shortcut', 'AB')
def test_kinetics_weights_give_the_reference_stages(kinetics, shortcut):
    path, reference = kinetics[shortcut]
    model = build(
        dict(
            type='HaraResNet3d',
            shortcut=shortcut,
            out_indices=(0, 1, 2, 3),
            **pretrained(path)))
    model.init_weights()
    model.eval()
    clip = torch.rand(2, 3, 4, 32, 32)
    with torch.no_grad():
        outs, expected = model(clip), reference.stages(clip)
    for out, ref in zip(outs, expected):
        assert torch.allclose(out, ref, atol=1e-6)


def test_kinetics_weights_through_a_recognizer(kinetics):
    path, reference = kinetics['A']
    model = build(recognizer_cfg(**pretrained(path)))
    model.init_weights()
    model.eval()
    clip = torch.rand(1, 3, 4, 32, 32)
    with torch.no_grad():
        assert torch.allclose(
            model.backbone(clip), reference.stages(clip)[-1], atol=1e-6)


def test_depth_mismatch(kinetics):
    model = HaraResNet3d(depth=10, **pretrained(kinetics['A'][0]))
    with pytest.raises(
            ConfigError,
            match=r"'resnet-18'.*depth=10.*"
            r"'resnet-10'.*set depth=18"):
        model.init_weights()


@pytest.mark.parametrize('file,net', [('A', 'B'), ('B', 'A')])
def test_shortcut_mismatch(kinetics, file, net):
    model = HaraResNet3d(shortcut=net, **pretrained(kinetics[file][0]))
    with pytest.raises(
            ConfigError,
            match=f"shortcut '{file}'.*shortcut='{net}'.*"
            f"set shortcut='{file}'"):
        model.init_weights()


def test_other_mismatches_are_listed(kinetics):
    model = HaraResNet3d(in_channels=2, **pretrained(kinetics['A'][0]))
    with pytest.raises(
            MalformedFileError, match=r'size mismatches: conv1\.weight'):
        model.init_weights()


def test_not_a_hara_checkpoint(tmp_path):
    path = str(tmp_path / 'plain.pth')
    torch.save({'conv1.weight': torch.zeros(1)}, path)
    with pytest.raises(MalformedFileError, match='no "arch" entry'):
        HaraKineticsPretrained(path)(HaraResNet3d(depth=10))
    with pytest.raises(MissingFileError, match='never downloads'):
        HaraKineticsPretrained(str(tmp_path / 'none.pth'))(HaraResNet3d())
    with pytest.raises(ConfigError, match='HaraResNet3d only'):
        HaraKineticsPretrained(path)(torch.nn.Linear(1, 1))


def test_recognizer3d_trains_and_predicts():
    model = build(recognizer_cfg(depth=18, shortcut='A'))
    assert isinstance(model.backbone, HaraResNet3d)
    model.init_weights()
    data = model.data_preprocessor(clip_batch(), training=True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
    assert model.backbone.conv1.weight.grad is not None

    model.eval()
    data = model.data_preprocessor(clip_batch(), training=False)
    with torch.no_grad():
        samples = model(**data, mode='predict')
    scores = samples[0].pred_scores.item
    assert scores.shape == (101, ) and abs(scores.sum().item() - 1) < 1e-5
