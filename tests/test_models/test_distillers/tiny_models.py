"""The tiny models the distiller tests build: configs and the build."""
import copy

from mmengine.registry import DefaultScope

from sskt.registry import MODELS

#: CIFAR's mean and std on the 0-255 scale.
MEAN, STD = [125.3, 123.0, 113.9], [63.0, 62.1, 66.7]
#: The 3D pipeline's ActivityNet mean (std 1: the original's normalisation).
VIDEO_MEAN = [114.7748, 107.7354, 99.4750]


def classifier_cfg(num_classes=10,
                   depth=8,
                   out_indices=None,
                   head=None,
                   preprocessor=True,
                   **kwargs):
    """An mmpretrain ImageClassifier over a CIFAR ResNet (64 channels out).

    ``preprocessor`` adds a ClsDataPreprocessor with MEAN / STD; ``kwargs``
    are set last (and so may replace any key, ``data_preprocessor`` too).
    """
    backbone = dict(type='sskt.CifarResNet', depth=depth)
    if out_indices is not None:
        backbone['out_indices'] = out_indices
    cfg = dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=head
        or dict(type='LinearClsHead', num_classes=num_classes, in_channels=64))
    if preprocessor:
        cfg['data_preprocessor'] = dict(
            num_classes=num_classes, mean=MEAN, std=STD)
    cfg.update(kwargs)
    return cfg


def multi_label_head(num_classes=10):
    """A multi-label head for ``classifier_cfg`` with the masked BCE."""
    return dict(
        type='MultiLabelLinearClsHead',
        num_classes=num_classes,
        in_channels=64,
        loss=dict(type='sskt.MaskedBCEWithLogitsLoss'))


def source_cfg(num_classes, checkpoint=None, adapter=None, **kwargs):
    """A FrozenSource ResNet-18, random unless given a ``checkpoint``; the
    adapter keeps the input's size unless ``adapter`` says otherwise."""
    return dict(
        type='FrozenSource',
        arch='resnet18',
        num_classes=num_classes,
        checkpoint=checkpoint,
        allow_random=checkpoint is None,
        adapter=copy.deepcopy(adapter)
        or dict(type='SourceAdapter', scale_factor=1.0),
        **kwargs)


def recognizer_cfg(all_stages=True):
    """An mmaction Recognizer3D over a depth-10 Hara ResNet3d, 5 classes:
    every stage out and the LastStage neck, or the last stage alone."""
    return dict(
        _scope_='mmaction',
        type='Recognizer3D',
        backbone=dict(
            type='sskt.HaraResNet3d',
            depth=10,
            out_indices=(0, 1, 2, 3) if all_stages else (3, )),
        neck=dict(type='sskt.LastStage') if all_stages else None,
        cls_head=dict(
            type='I3DHead',
            num_classes=5,
            in_channels=512,
            dropout_ratio=0.0,
            average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor',
            mean=VIDEO_MEAN,
            std=[1, 1, 1],
            format_shape='NCTHW'))


def video_sskt_cfg(adapter, out_channels, mid_channels, probe_input_shape,
                   **kwargs):
    """SSKT over ``recognizer_cfg()`` with a 3D TransferModule and two
    FrozenSource ResNet-18s (7 and 6 classes) fed by ``adapter``."""
    return dict(
        type='SSKT',
        target=recognizer_cfg(),
        sources=dict(
            imagenet=source_cfg(7, adapter=adapter),
            places365=source_cfg(6, adapter=adapter)),
        aux=dict(
            neck=dict(
                type='TransferModule',
                out_channels=out_channels,
                mid_channels=mid_channels,
                dims=3)),
        probe_input_shape=probe_input_shape,
        **kwargs)


def build_model(cfg):
    """``cfg`` built in the sskt default scope, its weights initialised."""
    with DefaultScope.overwrite_default_scope('sskt'):
        model = MODELS.build(cfg)
    model.init_weights()
    return model
