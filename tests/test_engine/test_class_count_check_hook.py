"""A target head whose num_classes is not the training set's is refused
before training, naming both numbers and the key to change."""
from types import SimpleNamespace

import pytest
import torch.nn as nn
from mmengine.registry import DefaultScope
from mmengine.runner import BaseLoop

from sskt.engine.hooks import ClassCountCheckHook
from sskt.engine.hooks.class_count_check_hook import (check_class_counts,
                                                      dataset_class_count,
                                                      target_head_classes)
from sskt.registry import DATASETS, MODELS
from sskt.utils.errors import ConfigError
from tests.data.video import write_rawframe_dataset
from tests.data.voc import write_voc


class Head(nn.Module):
    """Stands for a classification head: all the check reads is this."""

    def __init__(self, num_classes):
        super().__init__()
        self.num_classes = num_classes


def classifier(num_classes):
    """An mmpretrain-style classifier (``head``)."""
    model = nn.Module()
    model.head = Head(num_classes)
    return model


def recognizer(num_classes):
    """An mmaction-style recognizer (``cls_head``)."""
    model = nn.Module()
    model.cls_head = Head(num_classes)
    return model


def distiller(target):
    """SSKT/KD/MAXL-style: a ``target`` and heads that are not checked."""
    model = nn.Module()
    model.target = target
    model.aux_branches = nn.ModuleDict({'s': Head(1000)})
    return model


def dml(first, *others):
    """DML's layout: peer 0 is the target, the others are ``peers``."""
    model = nn.Module()
    model.target = first
    model.peers = nn.ModuleList(others)
    return model


def image_dataset(num_classes):
    return SimpleNamespace(
        metainfo=dict(classes=[str(i) for i in range(num_classes)]))


def test_every_target_head_is_found_with_its_key():
    assert target_head_classes(classifier(5)) == [('model.head.num_classes', 5)
                                                  ]
    assert target_head_classes(recognizer(101)) == [
        ('model.cls_head.num_classes', 101)
    ]
    # SSKT's aux heads predict the sources' classes: not compared
    assert target_head_classes(distiller(classifier(10))) == [
        ('model.target.head.num_classes', 10)
    ]
    assert target_head_classes(distiller(recognizer(51))) == [
        ('model.target.cls_head.num_classes', 51)
    ]
    peers = dml(classifier(5), classifier(3))
    assert target_head_classes(peers, dict(peer=dict(type='X'))) == [
        ('model.peer.head.num_classes', 5), ('model.peer.head.num_classes', 3)
    ]
    assert target_head_classes(peers, dict(peers=[{}, {}])) == [
        ('model.peers.0.head.num_classes', 5),
        ('model.peers.1.head.num_classes', 3)
    ]
    torchvision_like = nn.Module()
    torchvision_like.num_classes = 5
    assert target_head_classes(torchvision_like) == [('model.num_classes', 5)]


def test_a_real_classifier_head_is_read():
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(
            dict(
                _scope_='mmpretrain',
                type='ImageClassifier',
                backbone=dict(type='sskt.CifarResNet', depth=8),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(type='LinearClsHead', num_classes=7,
                          in_channels=64)))
    assert target_head_classes(model) == [('model.head.num_classes', 7)]


@pytest.mark.parametrize('num_classes', [3, 10])
def test_a_head_of_another_count_is_refused_naming_both(num_classes):
    key = 'model.target.head.num_classes'
    with pytest.raises(ConfigError) as info:
        check_class_counts(
            distiller(classifier(num_classes)), image_dataset(5))
    assert str(info.value) == (
        f'{key} is {num_classes} but the training set (SimpleNamespace) has '
        f'5 classes; set {key}=5 (or train on a dataset of {num_classes} '
        'classes).')
    check_class_counts(distiller(classifier(5)), image_dataset(5))


def test_a_dml_peer_of_another_count_is_refused():
    with pytest.raises(
            ConfigError,
            match=r'model\.peers\.1\.head\.'
            'num_classes is 3 but .* has 5 classes'):
        check_class_counts(dml(classifier(5), classifier(3)), image_dataset(5))


@pytest.fixture(scope='module')
def voc(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('voc'))
    write_voc(root, {'trainval': ['000001', '000002']})
    with DefaultScope.overwrite_default_scope('sskt'):
        return DATASETS.build(dict(type='VOC', data_root=root))


def test_multi_label_voc_has_its_20_classes(voc):
    assert dataset_class_count(voc) == (20, True)
    check_class_counts(classifier(20), voc)
    with pytest.raises(
            ConfigError,
            match=r'model\.head\.num_classes is 21 '
            r'but the training set \(VOC\) has 20 classes'):
        check_class_counts(classifier(21), voc)


def test_digits_subsets_count_their_digits():
    with DefaultScope.overwrite_default_scope('sskt'):
        digits = DATASETS.build(
            dict(type='Digits', classes=(0, 1, 2, 3, 4), num_per_class=1))
    assert dataset_class_count(digits) == (5, True)


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('ucf101'))
    write_rawframe_dataset(
        root,
        videos=[('Jump/v_1', 4, 0), ('Run/v_2', 4, 7), ('Run/v_3', 4, -1)])
    with DefaultScope.overwrite_default_scope('sskt'):
        return DATASETS.build(
            dict(
                type='VideoRawframeDataset',
                data_root=root,
                data_prefix=dict(img='rawframes'),
                ann_file='annotations/ucf101_train_split_1_rawframes.txt'))


def test_a_video_list_needs_a_head_above_its_largest_label(video):
    # the list knows no class names: labels up to 7 need at least 8 classes
    assert dataset_class_count(video) == (8, False)
    check_class_counts(distiller(recognizer(101)), video)
    key = 'model.target.cls_head.num_classes'
    with pytest.raises(ConfigError) as info:
        check_class_counts(distiller(recognizer(5)), video)
    assert str(info.value).startswith(
        f'{key} is 5 but the training set (VideoRawframeDataset) has labels '
        'up to 7, so at least 8 classes;')


def test_a_multi_class_video_list_has_its_num_classes():
    assert dataset_class_count(SimpleNamespace(num_classes=6)) == (6, True)


def _runner(train_loop, model):
    return SimpleNamespace(
        _train_loop=train_loop, model=model, cfg=dict(model=dict()))


class _Loop(BaseLoop):

    def __init__(self, dataset):  # no runner: only the dataset is read
        self.dataloader = SimpleNamespace(dataset=dataset)

    def run(self):
        pass


def test_the_hook_checks_training_runs_only():
    hook = ClassCountCheckHook()
    wrong = classifier(3)
    # runner.test(): the train loop is still a config, never built
    hook.before_run(_runner(dict(type='EpochBasedTrainLoop'), wrong))
    hook.before_run(_runner(None, wrong))
    with pytest.raises(ConfigError, match='is 3 but .* has 5 classes'):
        hook.before_run(_runner(_Loop(image_dataset(5)), wrong))
