# ResNet-18 on ImageNet-1k from scratch (paper Table 3). Paper: 64.14.
# Batch 256 = 8 processes x 32: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = [
    '../../_base_/models/r18.py',
    '../../_base_/datasets/imagenet_bs256.py',
    '../../_base_/schedules/imagenet_bs256_100e.py',
    '../../_base_/default_runtime.py',
]
