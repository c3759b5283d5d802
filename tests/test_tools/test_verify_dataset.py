"""tools/misc/verify_dataset.py on clean and damaged fixtures, in-process."""
import os
import os.path as osp
import pickle
import shutil

import numpy as np
import pytest

from tests.data.cifar import write_cifar10
from tests.data.video import write_rawframe_dataset
from tests.data.voc import write_voc
from tests.helpers import REPO, load_tool

VOC_CONFIG = osp.join(REPO, 'configs', 'baselines', 'scratch', 'r18_voc.py')
UCF_CONFIG = osp.join(REPO, 'configs', 'baselines', 'scratch',
                      'r3d18_ucf101.py')
CIFAR_CONFIG = osp.join(REPO, 'configs', 'baselines', 'scratch',
                        'r20_cifar10.py')
PHASES = ('train', 'val', 'test')


@pytest.fixture(scope='module')
def tool():
    return load_tool(osp.join('misc', 'verify_dataset.py'))


def run(tool, config, data_root, capsys, *extra):
    """Exit status and the listed bad entries (``'  path: problem'``)."""
    roots = [f'{p}_dataloader.dataset.data_root={data_root}' for p in PHASES]
    status = tool.main([config, *extra, '--cfg-options', *roots])
    out = capsys.readouterr().out
    listed = [line[2:] for line in out.splitlines() if line.startswith('  ')]
    return status, listed, out


def damage(path: str, keep: float = 0.0) -> None:
    """Truncate to ``keep`` of the file, or (0) write random bytes."""
    with open(path, 'rb') as f:
        data = f.read()
    if keep:
        data = data[:int(len(data) * keep)]
    else:
        data = np.random.RandomState(0).bytes(len(data))
    with open(path, 'wb') as f:
        f.write(data)


def test_voc_clean_then_two_bad_images(tool, tmp_path, capsys):
    root = str(tmp_path / 'VOC2007')
    written = write_voc(root, {'trainval': ['1', '2', '3'], 'test': ['4']})
    assert run(tool, VOC_CONFIG, root, capsys)[:2] == (0, [])

    damage(written['1'].img_path)
    damage(written['3'].img_path, keep=0.6)
    status, listed, out = run(tool, VOC_CONFIG, root, capsys)
    assert status == 1
    assert [entry.split(': ')[0] for entry in listed
            ] == [written['1'].img_path, written['3'].img_path]
    assert 'truncated' in listed[1]
    assert 'train: 2 bad files or records (3 samples checked)' in out
    assert ('test: all sound (0 samples checked, 1 share files already '
            'checked)') in out


def test_rawframes_every_frame_is_checked(tool, tmp_path, capsys):
    root = tmp_path / 'ucf101'
    videos = [('Jump/v1', 12, 0), ('Run/v2', 12, 1), ('Run/v3', 12, 1),
              ('Zoom/v4', 12, 0)]
    write_rawframe_dataset(str(root), 'ucf101', videos)
    frames = root / 'rawframes'
    lost = frames / 'Jump' / 'v1' / 'img_00005.jpg'
    bad = frames / 'Run' / 'v2' / 'img_00011.jpg'
    last = frames / 'Run' / 'v3' / 'img_00012.jpg'
    os.remove(lost)
    damage(str(bad))
    os.remove(last)  # building the dataset alone would stop here
    shutil.rmtree(frames / 'Zoom' / 'v4')
    status, listed, out = run(tool, UCF_CONFIG, root, capsys, '--nproc', '2')
    assert status == 1
    assert listed == [
        f'{lost}: does not exist',
        f'{bad}: cannot be decoded by OpenCV ({bad.stat().st_size} bytes, '
        'not an image format it reads)', f'{last}: does not exist',
        f'{frames / "Zoom" / "v4"}: does not exist'
    ]
    assert 'train: 4 bad files or records (4 samples checked)' in out
    # the val phase's clips read the same frames
    assert 'val: all sound (0 samples checked, ' in out


def test_cifar_records_then_a_bad_label(tool, tmp_path, capsys):
    written = write_cifar10(str(tmp_path), num_train_per_batch=1, num_test=3)
    status, listed, out = run(tool, CIFAR_CONFIG, tmp_path, capsys, '--phase',
                              'train')
    assert (status, listed) == (0, [])
    assert 'train: all sound (5 samples checked)' in out

    path = osp.join(written['folder'], 'test_batch')
    with open(path, 'rb') as f:
        batch = pickle.load(f)
    batch[b'labels'][2] = 10
    with open(path, 'wb') as f:
        pickle.dump(batch, f, protocol=2)
    status, listed, out = run(tool, CIFAR_CONFIG, tmp_path, capsys)
    assert status == 1
    assert listed == [listed[0]]  # val and test share the one error
    assert listed[0].startswith(f"CIFAR10: {path} has b'labels' outside "
                                '0..9 at records (label) 2 (10).')
    assert 'test: the dataset cannot be built (the error above)' in out
