# HMDB-51 split 1 as mmaction rawframes (docs/dataset_prepare.md):
#   data/hmdb51/rawframes/<class>/<video>/img_00001.jpg, ...
#   data/hmdb51/annotations/hmdb51_{train,val}_split_1_rawframes.txt
# Labels 0..50 in alphabetical class order. The same pipelines, batch sizes,
# normalisation and metrics as UCF-101 (see ucf101_rawframes.py): clip-level
# 'clip/top1' in validation, video-level 'video/top1' in test.
_base_ = './ucf101_rawframes.py'

_dataset_name = 'HMDB51'
data_root = 'data/hmdb51'
ann_file_train = 'annotations/hmdb51_train_split_1_rawframes.txt'
ann_file_val = 'annotations/hmdb51_val_split_1_rawframes.txt'

train_dataloader = dict(
    dataset=dict(
        dataset_name=_dataset_name,
        data_root=data_root,
        ann_file=ann_file_train))
val_dataloader = dict(
    dataset=dict(
        dataset_name=_dataset_name, data_root=data_root,
        ann_file=ann_file_val))
test_dataloader = dict(
    dataset=dict(
        dataset_name=_dataset_name, data_root=data_root,
        ann_file=ann_file_val))
