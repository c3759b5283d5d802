"""tools/train.py stops on a bad sample or an empty dataset with one paragraph.

In-process runs of the VOC baseline on a tiny fixture: a JPEG replaced by
random bytes, read by ``num_workers=2`` loader processes, and
``indices=0``; each ends as ``error: <one paragraph>`` and exit status 1.
"""
import gc
import os.path as osp

import numpy as np
import pytest
from torch.utils.data import _utils as torch_data_utils

from tests.data.voc import write_voc
from tests.helpers import REPO, load_tool

CONFIG = osp.join(REPO, 'configs', 'baselines', 'scratch', 'r18_voc.py')


@pytest.fixture
def quick_worker_shutdown(monkeypatch):
    """Stop the workers of a loader that raised in 0.1 s, not 10 s.

    See tests/test_datasets/test_dataset_guards.py: the failed iterator is
    freed by the cycle collector, after its queues are closed.
    """
    monkeypatch.setattr(torch_data_utils, 'MP_STATUS_CHECK_INTERVAL', 0.1)
    yield
    gc.collect()


def train(tmp_path, capsys, *options):
    """Run tools/train.py; return its exit status and stderr."""
    root = str(tmp_path / 'VOC2007')
    written = write_voc(root, {'trainval': ['1', '2', '3', '4'], 'test': []})
    with open(written['3'].img_path, 'wb') as f:
        f.write(np.random.RandomState(0).bytes(600))
    argv = [
        CONFIG, '--work-dir',
        str(tmp_path / 'work'), '--no-validate', '--cfg-options',
        f'train_dataloader.dataset.data_root={root}',
        'train_dataloader.batch_size=2', 'train_cfg.max_epochs=1', *options
    ]
    with pytest.raises(SystemExit) as info:
        load_tool('train.py').main(argv)
    return info.value.code, capsys.readouterr().err, written


def test_bad_jpeg_in_a_worker_is_one_paragraph(tmp_path, capsys,
                                               quick_worker_shutdown):
    code, err, written = train(tmp_path, capsys,
                               'train_dataloader.num_workers=2')
    assert code == 1
    assert err.startswith('error: VOC: sample 2 cannot be loaded: '
                          f'{written["3"].img_path} cannot be decoded by '
                          'OpenCV (600 bytes')
    assert err.endswith('(see docs/dataset_prepare.md).\n')
    assert err.count('\n') == 1
    assert 'Traceback' not in err and 'worker process' not in err


def test_indices_zero_is_one_paragraph(tmp_path, capsys):
    code, err, _ = train(tmp_path, capsys,
                         'train_dataloader.dataset.indices=0')
    assert code == 1
    assert err.startswith("error: VOC: indices=0 keeps none of the 4 samples "
                          "of split='trainval'")
    assert err.count('\n') == 1
