# Pascal VOC2007 multi-label classification: trainval (5,011 images) -> test
# (4,952), from the official tree under data/VOCdevkit/VOC2007
# (docs/dataset_prepare.md). The ImageNet pipelines: random-resized crop 224 +
# flip for training, resize 256 + centre crop 224 for testing, ImageNet
# mean/std; batch 64.
# The datasets' `difficult` decides what a class seen only in difficult
# objects is: 'drop' (negative, the original code), 'ignore' (left out of loss
# and metrics) or 'positive'. The metrics read it from the data, nothing else
# to set; change it with --cfg-options train_dataloader.dataset.difficult=...
# val_dataloader.dataset.difficult=... (`_difficult` is a config part, read
# only here).
_base_ = './imagenet_bs256.py'

dataset_type = 'VOC'
data_root = 'data/VOCdevkit/VOC2007'
_difficult = 'drop'
data_preprocessor = dict(num_classes=20, to_onehot=True)

train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='trainval',
        difficult=_difficult,
        pipeline=_base_.train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        split='test',
        difficult=_difficult,
        pipeline=_base_.test_pipeline))
val_evaluator = [
    # the original SSKT code's metric (the paper's VOC numbers): AP per
    # image over its 20 scores, averaged over images
    dict(type='PerImageAP'),
    # the standard VOC metric: AP per class, averaged over classes
    dict(type='mmpretrain.AveragePrecision'),
]

test_dataloader = val_dataloader
test_evaluator = val_evaluator
