"""Config mistakes stop tools/train.py before any step, as one paragraph.

Each run is the demo's SSKT config on digits 0-4 (5 classes) with one
mistake given by ``--cfg-options``; every mistake is met while the model is
built or in ``before_run`` (before the source checkpoint is read), so no run
trains and none needs the demo's source.
"""
import os.path as osp
import uuid

import pytest

from tests.helpers import REPO, load_tool

SSKT_CONFIG = osp.join(REPO, 'configs', 'demo', 'r20_digits04_sskt_linear.py')
SCRATCH_CONFIG = osp.join(REPO, 'configs', 'demo', 'r20_digits04_scratch.py')
HEAD = 'model.target.head.num_classes'

CASES = {
    'unknown model type': (SSKT_CONFIG, 'model.type=SSTK', [
        "model.type is 'SSTK', which is not a registered model",
        "Did you mean 'SSKT'"
    ]),
    'unknown neck type': (SSKT_CONFIG, 'model.aux.neck.type=LastStagePoolin', [
        "model.aux.neck.type is 'LastStagePoolin'",
        "Did you mean 'LastStagePooling'"
    ]),
    'unknown key': (SSKT_CONFIG, 'model.alhpa=1.0', [
        'model.alhpa: SSKT (sskt.models.distillers.sskt) has no argument '
        "'alhpa'. Did you mean 'alpha'?", 'SSKT takes target, sources, aux,'
    ]),
    # the Runner builds a loop dict without `type` itself
    'unknown loop key': (SCRATCH_CONFIG, 'train_cfg.max_epoch=2', [
        'train_cfg.max_epoch: EpochBasedTrainLoop (mmengine.runner.loops) '
        "has no argument 'max_epoch'. Did you mean 'max_epochs'?"
    ]),
    # mmengine looks the optimizer up outside build_from_cfg
    'unknown optimizer type':
    (SCRATCH_CONFIG, 'optim_wrapper.optimizer.type=SDG',
     ["optim_wrapper.optimizer.type is 'SDG'", "Did you mean 'SGD'?"]),
    'unknown dataloader key':
    (SCRATCH_CONFIG, 'train_dataloader.batch_sze=5', [
        'train_dataloader.batch_sze: DataLoader (torch.utils.data.dataloader) '
        "has no argument 'batch_sze'. Did you mean 'batch_size'"
    ]),
    'negative alpha': (SSKT_CONFIG, 'model.alpha=-1.0',
                       ['model.alpha must be a number >= 0, got -1.0']),
    'head of 3 classes': (SSKT_CONFIG, f'{HEAD}=3', [
        f'{HEAD} is 3 but the training set (Digits) has 5 classes; set '
        f'{HEAD}=5'
    ]),
    'head of 10 classes': (SSKT_CONFIG, f'{HEAD}=10', [
        f'{HEAD} is 10 but the training set (Digits) has 5 classes; set '
        f'{HEAD}=5'
    ]),
    'plain classifier head': (SCRATCH_CONFIG, 'model.head.num_classes=10', [
        'model.head.num_classes is 10 but the training set (Digits) has 5 '
        'classes'
    ]),
}


@pytest.fixture(scope='module')
def train():
    return load_tool('train.py').main


@pytest.mark.parametrize('case', sorted(CASES))
def test_a_config_mistake_is_one_paragraph(case, train, tmp_path, capsys):
    config, option, expected = CASES[case]
    with pytest.raises(SystemExit) as info:
        train([
            config, '--work-dir',
            str(tmp_path), '--cfg-options', option,
            f'experiment_name=mistake_{uuid.uuid4().hex[:8]}'
        ])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert 'Traceback' not in err
    errors = [line for line in err.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and err.rstrip().endswith(errors[0])
    for text in expected:
        assert text in errors[0]
    # nothing trained: the run stopped before the first checkpoint
    assert not list(tmp_path.glob('*.pth'))
