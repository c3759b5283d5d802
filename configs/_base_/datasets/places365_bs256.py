# Places365-Standard as a target (paper Table 3), read by mmpretrain's
# CustomDataset from the official file lists (`path label` per line; strip the
# leading '/' of each path once, see docs/dataset_prepare.md) and the 256x256
# images under data/places365. Batch 256 in total: 8 processes x 32.
_base_ = './imagenet_bs256.py'

dataset_type = 'mmpretrain.CustomDataset'
data_root = 'data/places365'
data_preprocessor = dict(num_classes=365)

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        ann_file='places365_train_standard.txt',
        data_prefix='data_256',
        pipeline=_base_.train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        data_root=data_root,
        ann_file='places365_val.txt',
        data_prefix='val_256',
        pipeline=_base_.test_pipeline))
test_dataloader = val_dataloader
