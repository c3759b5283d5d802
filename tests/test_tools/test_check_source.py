"""tools/analysis_tools/check_source.py, called in-process."""
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sskt.datasets.digits import _load_digits, digit_to_rgb
from tests.data.checkpoints import write_torchvision_checkpoint
from tests.helpers import DIGITS_CONFIG, load_tool

IMAGENET_MEAN = torch.tensor([123.675, 116.28, 103.53]).view(1, 3, 1, 1)
IMAGENET_STD = torch.tensor([58.395, 57.12, 57.375]).view(1, 3, 1, 1)
NAMES = ['zero', 'one', 'two', 'three', 'four']


@pytest.fixture(scope='module')
def tool():
    return load_tool('analysis_tools/check_source.py')


@pytest.fixture
def setup(tmp_path):
    """Two tiny sources, an SSKT digits config and a coloured digit PNG."""
    nets = dict(
        imagenet=write_torchvision_checkpoint(
            str(tmp_path / 'a.pth'), num_classes=5, seed=0),
        places365=write_torchvision_checkpoint(
            str(tmp_path / 'b.pth'), num_classes=7, seed=1))
    config = tmp_path / 'sskt_digits.py'
    config.write_text(
        f'_base_ = [{DIGITS_CONFIG!r}]\n'
        "source = dict(type='FrozenSource', arch='resnet18')\n"
        "model = dict(_delete_=True, type='SSKT', target={{_base_.model}},\n"
        '    probe_input_shape=(3, 32, 32), sources=dict(\n'
        f"        imagenet=dict(source, num_classes=5, classes={NAMES!r},\n"
        f"            checkpoint={str(tmp_path / 'a.pth')!r},\n"
        "            adapter=dict(type='SourceAdapter', scale_factor=1.0)),\n"
        '        places365=dict(source, num_classes=7,\n'
        f"            checkpoint={str(tmp_path / 'b.pth')!r},\n"
        "            adapter=dict(type='SourceAdapter', size=48))))\n")
    # a tinted digit, so that a BGR/RGB mix-up would change the result
    rgb = (digit_to_rgb(_load_digits()[0][3]) *
           np.array([1.0, 0.6, 0.3])).astype(np.uint8)
    image = tmp_path / 'digit.png'
    cv2.imwrite(str(image), rgb[:, :, ::-1])
    return SimpleNamespace(
        nets=nets, config=str(config), image=str(image), rgb=rgb)


def expected_topk(setup, name, k):
    """Top-k of the saved network on the image as the source should see it."""
    x = torch.from_numpy(setup.rgb).permute(2, 0, 1)[None].float()
    x = (x - IMAGENET_MEAN) / IMAGENET_STD
    if name == 'places365':
        x = F.interpolate(x, size=(48, 48), mode='bilinear')
    with torch.no_grad():
        probs = setup.nets[name](x).softmax(dim=1)[0]
    top = probs.topk(k)
    names = NAMES if name == 'imagenet' else [f'class {i}' for i in range(7)]
    return [(names[i], p)
            for p, i in zip(top.values.tolist(), top.indices.tolist())]


def check(results, printed, setup, k):
    for name in ('imagenet', 'places365'):
        got = results[setup.image][name]
        want = expected_topk(setup, name, k)
        assert [n for n, _ in got] == [n for n, _ in want]
        np.testing.assert_allclose([p for _, p in got], [p for _, p in want],
                                   rtol=1e-5)
        block = printed.split(f'  {name} (resnet18 from ')[1]
        lines = block.splitlines()[1:k + 1]
        assert lines == [f'    {p:.4f}  {n}' for n, p in got]


def test_prints_the_topk_the_saved_networks_give(tool, setup, capsys):
    results = tool.main(
        [setup.config, setup.image, '--topk', '3', '--img-size', '32'])
    printed = capsys.readouterr().out
    assert printed.startswith(f'{setup.image}: the target sees 3x32x32\n')
    assert 'imagenet (resnet18 from ' in printed
    assert 'places365 (resnet18 from ' in printed and 'sees 3x48x48' in printed
    check(results, printed, setup, 3)


def test_pipeline_that_loads_the_file_gives_the_same(tool, setup, capsys):
    # the file-based path: LoadImageFromFile decodes BGR, to_rgb flips it
    loading = setup.config.replace('.py', '_load.py')
    with open(loading, 'w') as f:
        f.write(f'_base_ = [{setup.config!r}]\n'
                'data_preprocessor = dict(to_rgb=True)\n'
                'test_dataloader = dict(dataset=dict(pipeline=[\n'
                "    dict(type='LoadImageFromFile'),\n"
                "    dict(type='mmpretrain.PackInputs')]))\n")
    results = tool.main([loading, setup.image, '--topk', '2'])
    check(results, capsys.readouterr().out, setup, 2)


def test_in_memory_config_without_img_size_gets_a_note(tool, setup, capsys):
    tool.main([setup.config, setup.image, '--topk', '1'])
    printed = capsys.readouterr().out
    assert printed.startswith('note: the test pipeline of ')
    assert 'Pass --img-size (32: CIFAR, digits; 96: STL-10)' in printed


def test_class_names_fall_back_to_imagenet_then_indices(tool):
    imagenet = tool.class_names(
        SimpleNamespace(classes=None, num_classes=1000))
    assert len(imagenet) == 1000 and imagenet[0].startswith('tench')
    assert tool.class_names(
        SimpleNamespace(num_classes=2)) == ['class 0', 'class 1']


def test_missing_image_is_one_paragraph(tool, setup, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        tool.main([setup.config, str(tmp_path / 'nope.jpg')])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err == f'error: Image {tmp_path / "nope.jpg"} does not exist; ' \
        'pass image files such as data/some.jpg.\n'


def test_config_without_sources_is_one_paragraph(tool, setup, capsys):
    with pytest.raises(SystemExit):
        tool.main([DIGITS_CONFIG, setup.image])
    err = capsys.readouterr().err
    assert err.startswith('error: ') and 'has no model.sources' in err
