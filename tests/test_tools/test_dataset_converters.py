"""Tests of tools/dataset_converters/ on tiny generated videos and splits."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope

from sskt.datasets.video.frame_extraction import resized_shape
from sskt.registry import DATASETS
from tests.data.video import (frame_colour, write_hara_json,
                              write_hmdb51_splits, write_rawframes,
                              write_ucf101_splits, write_video)
from tests.helpers import load_tool

extract_frames = load_tool('dataset_converters/extract_frames.py')
ucf101_lists = load_tool('dataset_converters/ucf101_lists.py')
hmdb51_lists = load_tool('dataset_converters/hmdb51_lists.py')
hara_json_to_lists = load_tool('dataset_converters/hara_json_to_lists.py')


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


def user_error(capsys, main, argv):
    """Run a tool that must stop with a user error; return its message."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    return capsys.readouterr().err


def rgb_frame(path):
    return cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)


# --------------------------------------------------------------- extraction
@pytest.fixture
def videos(tmp_path):
    root = tmp_path / 'videos'
    write_video(str(root / 'Jump' / 'v_Jump_g01_c01.avi'), 8)
    write_video(str(root / 'Jump' / 'v_Jump_g02_c01.avi'), 12)
    write_video(str(root / 'Run' / 'v_Run_g01_c01.avi'), 10, 24, 32)  # tall
    (root / 'Run' / 'broken.avi').write_bytes(b'not a video at all')
    (root / 'Run' / 'notes.txt').write_text('not a video extension')
    return str(root)


def test_extract_frames(tmp_path, videos, capsys):
    out = str(tmp_path / 'rawframes')
    result = extract_frames.main([videos, out, '--short-side', '12'])
    assert result['done'] == [('Jump/v_Jump_g01_c01.avi', 8),
                              ('Jump/v_Jump_g02_c01.avi', 12),
                              ('Run/v_Run_g01_c01.avi', 10)]
    assert [v for v, _ in result['failed']] == ['Run/broken.avi']
    printed = capsys.readouterr().out
    assert '1 videos could not be read' in printed
    assert osp.join(videos, 'Run/broken.avi') in printed
    # nothing left behind for the broken video, no .part folder anywhere
    assert sorted(os.listdir(osp.join(out, 'Run'))) == ['v_Run_g01_c01']

    jump = osp.join(out, 'Jump', 'v_Jump_g02_c01')
    names = sorted(os.listdir(jump))
    assert names == [f'img_{k:05d}.jpg' for k in range(1, 13)]
    for k in (1, 7, 12):
        img = rgb_frame(osp.join(jump, f'img_{k:05d}.jpg'))
        assert img.shape == (12, 16, 3)  # 32x24 -> short side 12
        # MJPG then JPEG: each frame keeps its own colour, approximately
        diff = np.abs(img.astype(int) - frame_colour(k - 1).astype(int))
        assert diff.mean() < 12, (k, img.mean((0, 1)))
    tall = rgb_frame(osp.join(out, 'Run', 'v_Run_g01_c01', 'img_00010.jpg'))
    assert tall.shape == (16, 12, 3)  # 24 wide x 32 high -> 12 x 16

    # a second run skips what is done and reports the broken video again
    again = extract_frames.main([videos, out, '--short-side', '12'])
    assert again['done'] == [] and len(again['skipped']) == 3
    assert len(again['failed']) == 1


def test_extract_frames_keeps_size_and_replaces_partial(tmp_path, videos):
    out = tmp_path / 'rawframes'
    part = out / 'Jump' / '.v_Jump_g01_c01.part'
    part.mkdir(parents=True)
    (part / 'img_00001.jpg').write_bytes(b'half written')
    result = extract_frames.main([
        videos,
        str(out), '--short-side', '0', '--ext', 'AVI', '--workers', '2'
    ])
    assert len(result['done']) == 3 and len(result['failed']) == 1
    assert not part.exists()
    img = rgb_frame(str(out / 'Jump' / 'v_Jump_g01_c01' / 'img_00008.jpg'))
    assert img.shape == (24, 32, 3)
    assert len(os.listdir(out / 'Jump' / 'v_Jump_g01_c01')) == 8


def test_resized_shape():
    assert resized_shape(240, 320, 240) == (240, 320)
    assert resized_shape(480, 640, 240) == (240, 320)
    assert resized_shape(360, 480, 240) == (240, 320)
    assert resized_shape(400, 300, 240) == (320, 240)
    assert resized_shape(24, 35, 12) == (12, 18)  # 17.5 rounds to even
    # 340 * 240 / 256 = 318.75: the nearest width (build_rawframes.py
    # floors it to 318).
    assert resized_shape(256, 340, 240) == (240, 319)
    assert resized_shape(24, 32, None) == (24, 32)


def test_extract_frames_errors(tmp_path, capsys):
    err = user_error(
        capsys, extract_frames.main,
        [str(tmp_path / 'nope'), str(tmp_path / 'out')])
    assert 'nope is not a folder' in err and 'dataset_prepare.md' in err
    (tmp_path / 'empty').mkdir()
    err = user_error(capsys, extract_frames.main,
                     [str(tmp_path / 'empty'),
                      str(tmp_path / 'out')])
    assert 'holds no video' in err


# ------------------------------------------------------------------ UCF-101
UCF_CLASSES = ['ApplyEyeMakeup', 'HandstandPushups', 'Zoom']
UCF_TRAIN = [
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi',
    'HandstandPushups/v_HandStandPushups_g08_c01.avi',
    'Zoom/v_Zoom_g09_c02.avi',
]
UCF_TEST = [
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi',
    'Zoom/v_Zoom_g01_c01.avi',
]


@pytest.fixture
def ucf101(tmp_path):
    root = tmp_path / 'ucf101'
    write_ucf101_splits(
        str(root / 'ucfTrainTestlist'), UCF_CLASSES, UCF_TRAIN, UCF_TEST)
    for i, video in enumerate(UCF_TRAIN + UCF_TEST):
        write_rawframes(
            str(root / 'rawframes' / osp.splitext(video)[0]), 5 + i, 8, 6)
    return str(root)


def test_ucf101_lists(ucf101):
    written = ucf101_lists.main([ucf101, '--split', '1'])
    train = osp.join(ucf101, 'annotations',
                     'ucf101_train_split_1_rawframes.txt')
    val = osp.join(ucf101, 'annotations', 'ucf101_val_split_1_rawframes.txt')
    assert list(written) == [train, val]
    assert read_lines(train) == [
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01 5 0',
        'HandstandPushups/v_HandStandPushups_g08_c01 6 1',
        'Zoom/v_Zoom_g09_c02 7 2',
    ]
    assert read_lines(val) == [
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01 8 0',
        'Zoom/v_Zoom_g01_c01 9 2',
    ]
    # the lists load as they are
    with DefaultScope.overwrite_default_scope('sskt'):
        ds = DATASETS.build(
            dict(
                type='VideoRawframeDataset',
                data_root=ucf101,
                ann_file='annotations/ucf101_val_split_1_rawframes.txt',
                data_prefix=dict(img='rawframes')))
    assert len(ds) == 2 and ds.get_data_info(1)['total_frames'] == 9


def test_ucf101_lists_count_consecutive_frames_only(ucf101):
    frames = osp.join(ucf101, 'rawframes', 'Zoom', 'v_Zoom_g01_c01')
    os.remove(osp.join(frames, 'img_00004.jpg'))  # a gap after frame 3
    ucf101_lists.main([ucf101, '--out-dir', osp.join(ucf101, 'lists')])
    lines = read_lines(
        osp.join(ucf101, 'lists', 'ucf101_val_split_1_rawframes.txt'))
    assert lines[1] == 'Zoom/v_Zoom_g01_c01 3 2'


def test_ucf101_lists_missing_frames(ucf101, capsys):
    missing = osp.join(ucf101, 'rawframes', 'Zoom', 'v_Zoom_g09_c02')
    for name in os.listdir(missing):
        os.remove(osp.join(missing, name))
    err = user_error(capsys, ucf101_lists.main, [ucf101])
    assert '1 of the 5 videos of split 1 have no frames' in err
    assert missing in err and '--skip-missing' in err
    assert not osp.exists(osp.join(ucf101, 'annotations'))

    ucf101_lists.main([ucf101, '--skip-missing'])
    assert 'left out 1 videos' in capsys.readouterr().out
    lines = read_lines(
        osp.join(ucf101, 'annotations', 'ucf101_train_split_1_rawframes.txt'))
    assert [line.split()[0] for line in lines] == [
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01',
        'HandstandPushups/v_HandStandPushups_g08_c01'
    ]


def test_ucf101_lists_bad_split_files(ucf101, capsys):
    split_dir = osp.join(ucf101, 'ucfTrainTestlist')
    err = user_error(capsys, ucf101_lists.main, [ucf101, '--split', '2'])
    assert osp.join(split_dir, 'trainlist02.txt') in err
    assert 'does not exist' in err and 'dataset_prepare.md' in err

    with open(osp.join(split_dir, 'trainlist01.txt'), 'a') as f:
        f.write('Zoom/v_Zoom_g10_c01.avi 1\n')  # Zoom is 3 in classInd
    err = user_error(capsys, ucf101_lists.main, [ucf101])
    assert 'trainlist01.txt has line 4' in err and 'index 3' in err

    with open(osp.join(split_dir, 'classInd.txt'), 'w') as f:
        f.write('1 ApplyEyeMakeup\n3 Zoom\n')
    err = user_error(capsys, ucf101_lists.main, [ucf101])
    assert 'classInd.txt has line 2' in err


# ------------------------------------------------------------------ HMDB-51
def test_hmdb51_lists(tmp_path, capsys):
    root = tmp_path / 'hmdb51'
    write_hmdb51_splits(
        str(root / 'testTrainMulti_7030_splits'), {
            'wave': [('Wave_wave_u_cm_np1_fr_goo_0.avi', 1),
                     ('Wave2_wave_f_nm_np1_ba_med_1.avi', 2)],
            'brush_hair': [('April_09_brush_hair_u_nm_np1_ba_goo_0.avi', 2),
                           ('Blonde_brush_hair_f_nm_np2_le_goo_0.avi', 1),
                           ('Unused_brush_hair_h_nm_np1_fr_goo_0.avi', 0)],
        })
    for i, video in enumerate([
            'wave/Wave_wave_u_cm_np1_fr_goo_0',
            'wave/Wave2_wave_f_nm_np1_ba_med_1',
            'brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0',
            'brush_hair/Blonde_brush_hair_f_nm_np2_le_goo_0',
    ]):
        write_rawframes(str(root / 'rawframes' / video), 3 + i, 8, 6)
    hmdb51_lists.main([str(root), '--split', '1'])
    assert '2 classes (labels 0..1 in alphabetical order)' in (
        capsys.readouterr().out)
    ann = root / 'annotations'
    assert read_lines(str(ann / 'hmdb51_train_split_1_rawframes.txt')) == [
        'brush_hair/Blonde_brush_hair_f_nm_np2_le_goo_0 6 0',
        'wave/Wave_wave_u_cm_np1_fr_goo_0 3 1',
    ]
    assert read_lines(str(ann / 'hmdb51_val_split_1_rawframes.txt')) == [
        'brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0 5 0',
        'wave/Wave2_wave_f_nm_np1_ba_med_1 4 1',
    ]

    err = user_error(capsys, hmdb51_lists.main, [str(root), '--split', '3'])
    assert '<class>_test_split3.txt does not exist for any class' in err
    with open(root / 'testTrainMulti_7030_splits' / 'wave_test_split1.txt',
              'a') as f:
        f.write('broken_line.avi 7\n')
    err = user_error(capsys, hmdb51_lists.main, [str(root)])
    assert 'wave_test_split1.txt has line 3' in err


# --------------------------------------------------------------- Hara JSON
def test_hara_json_to_lists(tmp_path, capsys):
    frames = tmp_path / 'jpg'
    labels = ['ApplyEyeMakeup', 'Zoom']
    write_hara_json(
        str(tmp_path / 'ucf101_01.json'), labels, {
            'v_Zoom_g08_c01': ('training', 'Zoom'),
            'v_ApplyEyeMakeup_g08_c01': ('training', 'ApplyEyeMakeup'),
            'v_Zoom_g01_c01': ('validation', 'Zoom'),
            'v_Secret_g01_c01': ('testing', None),
        })
    tmpl = 'image_{:05d}.jpg'
    write_rawframes(str(frames / 'Zoom' / 'v_Zoom_g08_c01'), 6, 8, 6, tmpl)
    write_rawframes(
        str(frames / 'ApplyEyeMakeup' / 'v_ApplyEyeMakeup_g08_c01'), 4, 8, 6,
        tmpl)
    write_rawframes(str(frames / 'Zoom' / 'v_Zoom_g01_c01'), 7, 8, 6, tmpl)
    # Hara's n_frames file wins over counting
    (frames / 'Zoom' / 'v_Zoom_g01_c01' / 'n_frames').write_text('5\n')

    out = tmp_path / 'lists'
    hara_json_to_lists.main(
        [str(tmp_path / 'ucf101_01.json'),
         str(frames), str(out)])
    printed = capsys.readouterr().out
    assert "filename_tmpl='image_{:05d}.jpg'" in printed
    assert read_lines(str(out / 'ucf101_train_split_1_rawframes.txt')) == [
        'Zoom/v_Zoom_g08_c01 6 1',
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01 4 0',
    ]
    assert read_lines(str(out / 'ucf101_val_split_1_rawframes.txt')) == [
        'Zoom/v_Zoom_g01_c01 5 1'
    ]
    with DefaultScope.overwrite_default_scope('sskt'):
        ds = DATASETS.build(
            dict(
                type='VideoRawframeDataset',
                ann_file=str(out / 'ucf101_train_split_1_rawframes.txt'),
                data_prefix=dict(img=str(frames)),
                filename_tmpl='image_{:05d}.jpg'))
    assert len(ds) == 2

    # --name/--split for other file names; a missing video stops the tool
    os.rename(tmp_path / 'ucf101_01.json', tmp_path / 'annotation.json')
    err = user_error(
        capsys, hara_json_to_lists.main,
        [str(tmp_path / 'annotation.json'),
         str(frames), str(out)])
    assert '--name and --split' in err
    (frames / 'Zoom' / 'v_Zoom_g01_c01' / 'n_frames').write_text('0')
    err = user_error(capsys, hara_json_to_lists.main, [
        str(tmp_path / 'annotation.json'),
        str(frames),
        str(out), '--name', 'hmdb51', '--split', '2'
    ])
    assert 'have no frames' in err
    hara_json_to_lists.main([
        str(tmp_path / 'annotation.json'),
        str(frames),
        str(out), '--name', 'hmdb51', '--split', '2', '--skip-missing'
    ])
    assert read_lines(str(out / 'hmdb51_val_split_2_rawframes.txt')) == []


def test_hara_json_errors(tmp_path, capsys):
    path = tmp_path / 'ucf101_01.json'
    path.write_text('{"labels": ["A"]}')
    err = user_error(
        capsys, hara_json_to_lists.main,
        [str(path), str(tmp_path), str(tmp_path)])
    assert 'ucf101_01.json is not an annotation JSON' in err
    write_hara_json(str(path), ['A'], {'v_B_g01': ('training', 'B')})
    err = user_error(
        capsys, hara_json_to_lists.main,
        [str(path), str(tmp_path), str(tmp_path)])
    assert "label 'B', which is not in \"labels\"" in err
