# STL-10 (5,000 labelled 96x96 training images, 8,000 test images) from the
# official binaries under data/stl10/stl10_binary. As in the original code:
# random crop 96 with padding 4 + horizontal flip, ImageNet mean/std,
# batch 128.
_base_ = './cifar10_bs128.py'

dataset_type = 'STL10'
data_root = 'data/stl10'
data_preprocessor = dict(
    num_classes=10,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375])

train_pipeline = [
    dict(type='mmpretrain.RandomCrop', crop_size=96, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='mmpretrain.PackInputs'),
]

train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
