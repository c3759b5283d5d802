"""tools/model_converters/extract_target.py, called in-process."""
import os.path as osp
import pickle

import pytest
import torch
from mmengine.registry import DefaultScope

from sskt.registry import MODELS
from tests.data.checkpoints import write_torchvision_checkpoint
from tests.helpers import (DIGITS_CONFIG, load_tool, tiny_digits_config,
                           tiny_digits_overrides)


@pytest.fixture(scope='module')
def tool():
    return load_tool('model_converters/extract_target.py')


def write_sskt_digits_config(tmp_path) -> str:
    """An SSKT config on r20_digits with one tiny ResNet-18 source.

    It lives outside the work directory: the Runner dumps the merged config
    there under the same name.
    """
    (tmp_path / 'configs').mkdir()
    source = str(tmp_path / 'configs' / 'source.pth')
    write_torchvision_checkpoint(source, arch='resnet18', num_classes=5)
    path = tmp_path / 'configs' / 'sskt_digits.py'
    path.write_text(
        f'_base_ = [{DIGITS_CONFIG!r}]\n'
        "model = dict(_delete_=True, type='SSKT', target={{_base_.model}},\n"
        '    probe_input_shape=(3, 32, 32),\n'
        "    sources=dict(imagenet=dict(type='FrozenSource', "
        "arch='resnet18',\n"
        f'        num_classes=5, checkpoint={source!r},\n'
        "        adapter=dict(type='SourceAdapter', scale_factor=1.0))))\n")
    return str(path)


def options(work_dir, sskt: bool):
    overrides = tiny_digits_overrides(str(work_dir), max_epochs=1)
    if sskt:
        overrides['model.target.backbone.depth'] = overrides.pop(
            'model.backbone.depth')
    return ['--cfg-options'] + [f'{k}={v}' for k, v in overrides.items()]


def pred_scores(path):
    with open(path, 'rb') as f:
        return torch.stack([p['pred_score'] for p in pickle.load(f)])


def test_extracted_target_predicts_like_the_sskt_model(tool, tmp_path):
    config = write_sskt_digits_config(tmp_path)
    load_tool('train.py').main([config, '--no-validate'] +
                               options(tmp_path, sskt=True))
    trained = str(tmp_path / 'epoch_1.pth')
    extracted = str(tmp_path / 'out' / 'r8_digits.pth')
    result = tool.main([trained, extracted])

    saved = torch.load(extracted, weights_only=True)
    assert set(saved) == {'meta', 'state_dict'}
    assert saved['meta']['epoch'] == 1
    assert saved['meta']['extracted_from'] == trained
    assert saved['meta']['dataset_meta']['classes'][0] == '0'
    assert 'cfg' not in saved['meta']
    assert not any(
        k.startswith(('target.', 'aux_branches.'))
        for k in saved['state_dict'])
    assert osp.getsize(extracted) < osp.getsize(trained)
    assert result['state_dict'].keys() == saved['state_dict'].keys()
    # exactly the keys of the scratch model: nothing missing, nothing extra
    scratch_cfg = tiny_digits_config(str(tmp_path))
    with DefaultScope.overwrite_default_scope('sskt'):
        scratch = MODELS.build(scratch_cfg.model)
    assert set(saved['state_dict']) == set(scratch.state_dict())

    test_tool = load_tool('test.py')
    test_tool.main([config, trained, '--out',
                    str(tmp_path / 'sskt.pkl')] + options(tmp_path, sskt=True))
    test_tool.main(
        [DIGITS_CONFIG, extracted, '--out',
         str(tmp_path / 'target.pkl')] + options(tmp_path, sskt=False))
    sskt_scores = pred_scores(tmp_path / 'sskt.pkl')
    assert sskt_scores.shape == (40, 10)
    assert torch.equal(sskt_scores, pred_scores(tmp_path / 'target.pkl'))


def fake_checkpoint(path):
    torch.save(
        {
            'meta': {
                'epoch': 3,
                'iter': 30,
                'cfg': 'model = dict(...)'
            },
            'state_dict': {
                'peers.0.head.fc.weight': torch.ones(2, 3),
                'peers.1.head.fc.weight': torch.zeros(2, 3),
                'aux_branches.x.fc.weight': torch.zeros(1),
            },
            'optimizer': {
                'state': {},
                'param_groups': []
            },
        }, path)


def test_prefix_option_and_summary(tool, tmp_path, capsys):
    fake_checkpoint(tmp_path / 'dml.pth')
    out = tmp_path / 'peer0.pth'
    result = tool.main(
        [str(tmp_path / 'dml.pth'),
         str(out), '--prefix', 'peers.0'])
    assert list(result['state_dict']) == ['head.fc.weight']
    assert torch.equal(result['state_dict']['head.fc.weight'],
                       torch.ones(2, 3))
    assert result['meta'] == dict(
        epoch=3,
        iter=30,
        extracted_from=str(tmp_path / 'dml.pth'),
        extracted_prefix='peers.0.')
    printed = capsys.readouterr().out
    assert 'Saved 1 tensors' in printed
    assert 'left out: peers.1., aux_branches., optimizer.' in printed


def test_unknown_prefix_is_one_paragraph(tool, tmp_path, capsys):
    fake_checkpoint(tmp_path / 'dml.pth')
    with pytest.raises(SystemExit) as exit_info:
        tool.main([str(tmp_path / 'dml.pth'), str(tmp_path / 'o.pth')])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: No state dict key of ")
    assert "starts with 'target.'" in err
    assert "['peers.', 'aux_branches.']" in err
    assert 'Traceback' not in err and err.count('\n') == 1
    assert not (tmp_path / 'o.pth').exists()


def test_missing_checkpoint_is_one_paragraph(tool, tmp_path, capsys):
    with pytest.raises(SystemExit):
        tool.main([str(tmp_path / 'nope.pth'), str(tmp_path / 'o.pth')])
    assert 'nope.pth does not exist' in capsys.readouterr().err
