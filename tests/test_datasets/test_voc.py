"""Tests of the VOC multi-label dataset, and of its ``difficult`` option end
to end: dataset -> PackInputs -> ClsDataPreprocessor -> MultiLabelLinearClsHead
with MaskedBCEWithLogitsLoss -> metrics run by mmengine's Evaluator."""
import math
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmpretrain.datasets.categories import VOC2007_CATEGORIES

from sskt.datasets import VOC
from sskt.registry import DATASETS, MODELS
from tests.data.voc import write_voc

C = VOC2007_CATEGORIES.index
META_KEYS = ('sample_idx', 'img_path', 'ori_shape', 'img_shape',
             'gt_label_difficult')
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.PackInputs', meta_keys=META_KEYS)
]

# Three test images: A has a difficult-only car, B only a difficult cat,
# C a person that is both difficult and not, and a non-difficult car.
OBJECTS = {
    'A': (('dog', False), ('person', False), ('car', True)),
    'B': (('cat', True), ),
    'C':
    (('person', False), ('person', True), ('bottle', False), ('car', False)),
    'T': (('horse', False), ),
}
IDS = {'trainval': ['T'], 'test': ['A', 'B', 'C']}


@pytest.fixture
def voc_root(tmp_path):
    root = str(tmp_path / 'VOCdevkit' / 'VOC2007')
    written = write_voc(root, IDS, OBJECTS)
    return root, written


def build(root, **kwargs) -> VOC:
    cfg = dict(type='VOC', data_root=root, pipeline=PIPELINE)
    cfg.update(kwargs)
    with DefaultScope.overwrite_default_scope('sskt'):
        return DATASETS.build(cfg)


def onehot(*names, ignored=()) -> np.ndarray:
    score = np.zeros(20, dtype=np.float32)
    score[[C(n) for n in names]] = 1
    score[[C(n) for n in ignored]] = -1
    return score


# The targets each mode must give A, B and C (by class name).
EXPECTED = {
    'drop':
    dict(
        A=(['dog', 'person'], []),
        B=([], []),
        C=(['bottle', 'car', 'person'], [])),
    'ignore':
    dict(
        A=(['dog', 'person'], ['car']),
        B=([], ['cat']),
        C=(['bottle', 'car', 'person'], [])),
    'positive':
    dict(
        A=(['car', 'dog', 'person'], []),
        B=(['cat'], []),
        C=(['bottle', 'car', 'person'], [])),
}


@pytest.mark.parametrize('mode', ['drop', 'ignore', 'positive'])
def test_labels_per_mode(voc_root, mode):
    root, written = voc_root
    dataset = build(root, split='test', difficult=mode)
    assert len(dataset) == 3
    assert dataset.CLASSES == VOC2007_CATEGORIES
    for idx, img_id in enumerate(IDS['test']):
        info = dataset.get_data_info(idx)
        positive, ignored = EXPECTED[mode][img_id]
        assert info['img_path'] == written[img_id].img_path
        assert info['gt_label'] == sorted(C(n) for n in positive)
        assert info['gt_label_difficult'] == sorted(C(n) for n in ignored)
        np.testing.assert_array_equal(info['gt_score'],
                                      onehot(*positive, ignored=ignored))
        assert dataset.get_cat_ids(idx) == info['gt_label']


def test_fixture_sets_agree_with_drop_and_ignore(voc_root):
    # The fixture's own bookkeeping, for ids we did not list in EXPECTED.
    root, written = voc_root
    dataset = build(root, split='trainval', difficult='ignore')
    info = dataset.get_data_info(0)
    assert info['gt_label'] == written['T'].labels == [C('horse')]
    assert info['gt_label_difficult'] == written['T'].difficult_only == []


def test_splits_and_defaults(voc_root, tmp_path, monkeypatch):
    root, _ = voc_root
    assert len(build(root, split='trainval')) == 1
    # Default data_root is data/VOCdevkit/VOC2007, relative to the cwd.
    os.makedirs(tmp_path / 'data')
    os.symlink(osp.dirname(root), tmp_path / 'data' / 'VOCdevkit')
    monkeypatch.chdir(tmp_path)
    with DefaultScope.overwrite_default_scope('sskt'):
        dataset = DATASETS.build(dict(type='VOC'))
    assert dataset.difficult == 'drop'
    assert dataset.split == 'trainval'
    assert dataset.get_data_info(0)['img_path'] == osp.join(
        'data', 'VOCdevkit', 'VOC2007', 'JPEGImages', 'T.jpg')
    assert 'Difficult objects: \tdrop' in repr(dataset)


def test_images_through_pipeline(voc_root):
    root, written = voc_root
    dataset = build(root, split='test')
    for idx, img_id in enumerate(IDS['test']):
        packed = dataset[idx]
        image = packed['inputs'].permute(1, 2, 0).numpy()  # CHW -> HWC, BGR
        # Same cv2 decoder as the fixture's cv2.imread: exactly equal.
        np.testing.assert_array_equal(image, written[img_id].image)
        # And the JPEG (quality 100) holds what was drawn, within 4 levels.
        diff = np.abs(image.astype(int) - written[img_id].drawn)
        assert diff.max() <= 4
        assert packed['data_samples'].img_path == written[img_id].img_path
        assert packed['data_samples'].ori_shape == (24, 32)


def test_missing_difficult_tag_is_not_difficult(voc_root):
    root, _ = voc_root
    xml_path = osp.join(root, 'Annotations', 'T.xml')
    with open(xml_path) as f:
        text = f.read()
    with open(xml_path, 'w') as f:
        f.write(text.replace('<difficult>0</difficult>', ''))
    info = build(root, split='trainval').get_data_info(0)
    assert info['gt_label'] == [C('horse')]


def test_class_subset_skips_other_classes(voc_root):
    root, _ = voc_root
    dataset = build(
        root, split='test', difficult='ignore', classes=['car', 'person'])
    assert [dataset.get_data_info(i)['gt_label'] for i in range(3)] == [[1],
                                                                        [],
                                                                        [0, 1]]
    assert dataset.get_data_info(0)['gt_label_difficult'] == [0]
    np.testing.assert_array_equal(
        dataset.get_data_info(0)['gt_score'], [-1, 1])


def test_unknown_difficult_mode(voc_root):
    with pytest.raises(ValueError, match="'drop', 'ignore', 'positive'"):
        build(voc_root[0], difficult='hard')


def _assert_error(root, error, path, problem, **kwargs):
    with pytest.raises(error) as info:
        build(root, **kwargs)
    message = str(info.value)
    assert message.startswith(f'VOC: {path} {problem}')
    assert message.endswith('(see docs/dataset_prepare.md).')


def test_missing_split_list(voc_root):
    root, _ = voc_root
    path = osp.join(root, 'ImageSets', 'Main', 'val.txt')
    _assert_error(root, FileNotFoundError, path, 'does not exist', split='val')


def test_empty_split_list(voc_root):
    root, _ = voc_root
    path = osp.join(root, 'ImageSets', 'Main', 'val.txt')
    open(path, 'w').close()
    _assert_error(root, ValueError, path, 'lists no image id', split='val')


def test_missing_xml(voc_root):
    root, written = voc_root
    os.remove(written['B'].xml_path)
    _assert_error(
        root,
        FileNotFoundError,
        written['B'].xml_path,
        'does not exist',
        split='test')


def test_missing_jpeg(voc_root):
    root, written = voc_root
    os.remove(written['C'].img_path)
    _assert_error(
        root,
        FileNotFoundError,
        written['C'].img_path,
        'does not exist',
        split='test')


@pytest.mark.parametrize('edit, problem', [
    (lambda s: s[:40], 'is not valid XML'),
    (lambda s: s.replace('>horse<', '>pony<'),
     "has an object of unknown class 'pony'"),
    (lambda s: s.replace('<name>horse</name>', ''),
     "has an object of unknown class ''"),
    (lambda s: s[:s.index('<object>')] + '</annotation>', 'has no <object>'),
    (lambda s: s.replace('<difficult>0', '<difficult>yes'),
     'has <difficult>yes</difficult> (expected 0 or 1)'),
])
def test_malformed_xml(voc_root, edit, problem):
    root, written = voc_root
    xml_path = written['T'].xml_path
    with open(xml_path) as f:
        text = f.read()
    with open(xml_path, 'w') as f:
        f.write(edit(text))
    _assert_error(root, ValueError, xml_path, problem, split='trainval')


# ---------------------------------------------------------------------------
# End to end. Logits: the head's fc has zero weights and bias ln 3 for every
# class, so each entry's BCE is ln(4/3) for target 1 and ln 4 for target 0.
# Over the 3 test images x 20 classes:
#   drop:     5 positive, 55 negative, 0 ignored
#   ignore:   5 positive, 53 negative, 2 ignored (A: car, B: cat)
#   positive: 7 positive, 53 negative, 0 ignored
# ---------------------------------------------------------------------------
POS, NEG = math.log(4 / 3), math.log(4)
EXPECTED_LOSS = {
    'drop': (5 * POS + 55 * NEG) / 60,
    'ignore': (5 * POS + 53 * NEG) / 58,
    'positive': (7 * POS + 53 * NEG) / 60,
}


def build_classifier(loss: dict) -> torch.nn.Module:
    model = MODELS.build(
        dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(type='ResNet_CIFAR', depth=18),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='MultiLabelLinearClsHead',
                num_classes=20,
                in_channels=512,
                loss=loss)))
    torch.nn.init.zeros_(model.head.fc.weight)
    torch.nn.init.constant_(model.head.fc.bias, math.log(3))
    return model


def batch_loss(model, dataset) -> float:
    batch = pseudo_collate([dataset[i] for i in range(len(dataset))])
    data = model.data_preprocessor(batch, training=True)
    return model(**data, mode='loss')['loss'].item()


@pytest.mark.parametrize('mode', ['drop', 'ignore', 'positive'])
def test_loss_end_to_end(voc_root, mode):
    dataset = build(voc_root[0], split='test', difficult=mode)
    model = build_classifier(dict(type='sskt.MaskedBCEWithLogitsLoss'))
    assert batch_loss(model, dataset) == pytest.approx(EXPECTED_LOSS[mode])


def test_mmpretrain_bce_in_head_sums_over_classes(voc_root):
    # mmpretrain's default multi-label loss in MultiLabelClsHead gets
    # avg_factor=batch size: sum over 3 x 20 entries / 3, i.e. 20 times ours.
    dataset = build(voc_root[0], split='test', difficult='drop')
    model = build_classifier(dict(type='CrossEntropyLoss', use_sigmoid=True))
    assert batch_loss(model, dataset) == pytest.approx(
        (5 * POS + 55 * NEG) / 3)


# Fake sigmoid scores (0 for every class not listed).
SCORES = {
    'A': dict(dog=0.9, car=0.8, person=0.7),
    'B': dict(dog=0.5, cat=0.2),
    'C': dict(aeroplane=0.9, person=0.6, bottle=0.3, car=0.25),
}
# Per-image AP (sklearn, ranking the 20 classes of one image):
#   A drop:   dog+ car- person+          -> (1 + 2/3) / 2 = 5/6
#   A ignore/positive: positives ranked first                  -> 1
#   B drop/ignore: no positive -> skipped; B positive: dog- cat+ -> 1/2
#   C (all modes): aeroplane- person+ bottle+ car+ -> (1/2+2/3+3/4)/3 = 23/36
# Class-wise mAP (mmpretrain, ranking the 3 images of one class; a class
# without positives scores 0): dog, person, bottle 1 in all modes; car:
#   drop: A(.8)- C(.25)+ -> 1/2, ignore: A left out -> 1, positive -> 1;
#   cat: 1 in positive only. Mean over 20 classes.
EXPECTED_METRICS = {
    'drop': dict(per_image=(5 / 6 + 23 / 36) / 2, mAP=3.5 / 20, skipped=1),
    'ignore': dict(per_image=(1 + 23 / 36) / 2, mAP=4 / 20, skipped=1),
    'positive':
    dict(per_image=(1 + 1 / 2 + 23 / 36) / 3, mAP=5 / 20, skipped=0),
}


def fake_predictions(dataset):
    samples = []
    for idx, img_id in enumerate(IDS['test']):
        sample = dataset[idx]['data_samples']
        score = torch.zeros(20)
        for name, value in SCORES[img_id].items():
            score[C(name)] = value
        samples.append(sample.set_pred_score(score))
    return samples


@pytest.mark.parametrize('mode', ['drop', 'ignore', 'positive'])
def test_metrics_end_to_end(voc_root, mode, monkeypatch):
    logged = []
    monkeypatch.setattr('sskt.evaluation.metrics.per_image_ap.print_log',
                        lambda msg, **kwargs: logged.append(msg))
    dataset = build(voc_root[0], split='test', difficult=mode)
    with DefaultScope.overwrite_default_scope('sskt'):
        evaluator = Evaluator([
            dict(type='PerImageAP'),
            dict(type='mmpretrain.AveragePrecision'),
            dict(type='mmpretrain.VOCAveragePrecision', prefix='voc'),
        ])
    evaluator.process(fake_predictions(dataset))
    metrics = evaluator.evaluate(3)
    expected = EXPECTED_METRICS[mode]
    assert metrics == pytest.approx({
        'multi-label/per_image_AP':
        100 * expected['per_image'],
        'multi-label/mAP':
        100 * expected['mAP'],
        'voc/mAP':
        100 * expected['mAP'],
    })
    if expected['skipped']:
        assert logged == [
            'PerImageAP: skipped 1 of 3 images with no '
            'positive label (their AP is undefined).'
        ]
    else:
        assert logged == []


def test_voc_metrics_need_gt_label_difficult_packed(voc_root):
    # mmpretrain's VOC* metrics read gt_label_difficult unconditionally;
    # AveragePrecision and PerImageAP only need gt_score.
    root, _ = voc_root
    dataset = build(
        root,
        split='test',
        difficult='ignore',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='mmpretrain.PackInputs')
        ])
    samples = fake_predictions(dataset)
    with DefaultScope.overwrite_default_scope('sskt'):
        ok = Evaluator([
            dict(type='PerImageAP'),
            dict(type='mmpretrain.AveragePrecision')
        ])
        voc = Evaluator(dict(type='mmpretrain.VOCAveragePrecision'))
    ok.process(samples)
    assert ok.evaluate(3)['multi-label/mAP'] == pytest.approx(20.0)
    with pytest.raises(KeyError, match='gt_label_difficult'):
        voc.process(samples)
