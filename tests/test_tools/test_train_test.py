"""tools/train.py and tools/test.py, called in-process through main(argv)."""
import pickle

import pytest
import torch

from tests.helpers import DIGITS_CONFIG, load_tool, tiny_digits_overrides


@pytest.fixture(scope='module')
def train_tool():
    return load_tool('train.py')


@pytest.fixture(scope='module')
def test_tool():
    return load_tool('test.py')


def _options(work_dir, **kwargs):
    overrides = tiny_digits_overrides(str(work_dir), **kwargs)
    return ['--cfg-options'] + [f'{k}={v}' for k, v in overrides.items()]


def test_train_then_test_then_resume(train_tool, test_tool, tmp_path, capsys):
    runner = train_tool.main([DIGITS_CONFIG] + _options(tmp_path))
    assert runner.epoch == 2
    assert (tmp_path / 'epoch_2.pth').is_file()
    assert list(tmp_path.glob('best_accuracy_top1_epoch_*.pth'))

    out = tmp_path / 'predictions.pkl'
    metrics = test_tool.main(
        [DIGITS_CONFIG,
         str(tmp_path / 'epoch_2.pth'), '--out',
         str(out)] + _options(tmp_path))
    assert 0 <= metrics['accuracy/top1'] <= 100
    assert 'Test results: accuracy/top1 ' in capsys.readouterr().out
    with open(out, 'rb') as f:
        predictions = pickle.load(f)
    assert len(predictions) == 40  # the 40 test images of the tiny config
    assert predictions[0]['pred_score'].shape == (10, )

    # --resume without a path continues from the latest checkpoint
    resumed = train_tool.main([DIGITS_CONFIG, '--resume'] +
                              _options(tmp_path, max_epochs=3))
    assert resumed.epoch == 3
    first_epoch_iters = runner.iter
    assert resumed.iter == first_epoch_iters * 3 // 2


def test_show_dir_draws_predictions(train_tool, test_tool, tmp_path):
    train_tool.main([DIGITS_CONFIG] + _options(tmp_path, max_epochs=1))
    test_tool.main(
        [DIGITS_CONFIG,
         str(tmp_path / 'epoch_1.pth'), '--show-dir', 'vis'] +
        _options(tmp_path, num_val=3))
    drawn = list(tmp_path.glob('vis/*.png'))
    assert len(drawn) == 3


def test_missing_config_is_one_line(train_tool, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        train_tool.main([str(tmp_path / 'nope.py')])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f'error: Config file {tmp_path / "nope.py"} '
                          'does not exist')
    assert 'Traceback' not in err


def test_missing_checkpoint_is_one_line(test_tool, tmp_path, capsys):
    with pytest.raises(SystemExit):
        test_tool.main([DIGITS_CONFIG, str(tmp_path / 'epoch_9.pth')])
    assert 'epoch_9.pth does not exist' in capsys.readouterr().err


def test_missing_dataset_file_is_one_paragraph(train_tool, tmp_path, capsys):
    config = DIGITS_CONFIG.replace('r20_digits', 'r20_cifar10')
    with pytest.raises(SystemExit):
        train_tool.main([
            config, '--work-dir',
            str(tmp_path), '--cfg-options',
            f'train_dataloader.dataset.data_root={tmp_path}',
            'train_dataloader.num_workers=0'
        ])
    err = capsys.readouterr().err
    assert f'{tmp_path}/cifar-10-batches-py/batches.meta does not exist' \
        in err
    assert 'docs/dataset_prepare.md' in err


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the CPU path')
def test_amp_without_cuda_is_one_line(train_tool, tmp_path, capsys):
    with pytest.raises(SystemExit):
        train_tool.main([DIGITS_CONFIG, '--amp'] + _options(tmp_path))
    err = capsys.readouterr().err
    assert err.startswith('error: --amp needs a CUDA GPU')
