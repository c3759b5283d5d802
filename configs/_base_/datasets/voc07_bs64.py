# Pascal VOC2007 multi-label classification: trainval (5,011 images) -> test
# (4,952), from the official tree under data/VOCdevkit/VOC2007
# (docs/dataset_prepare.md). Random-resized crop 224 + flip for training,
# resize 256 + centre crop 224 for testing, ImageNet mean/std, batch 64.
# `difficult` decides what a class seen only in difficult objects is:
# 'drop' (negative, the original code), 'ignore' (left out of loss and metrics)
# or 'positive'. The metrics read it from the data, nothing else to set.
dataset_type = 'VOC'
data_root = 'data/VOCdevkit/VOC2007'
difficult = 'drop'
data_preprocessor = dict(
    num_classes=20,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True,  # images are decoded as BGR
    to_onehot=True)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='mmpretrain.PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='trainval',
        difficult=difficult,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        difficult=difficult,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = [
    # the original SSKT code's metric (the paper's VOC numbers): AP per
    # image over its 20 scores, averaged over images
    dict(type='PerImageAP'),
    # the standard VOC metric: AP per class, averaged over classes
    dict(type='mmpretrain.AveragePrecision'),
]

test_dataloader = val_dataloader
test_evaluator = val_evaluator
