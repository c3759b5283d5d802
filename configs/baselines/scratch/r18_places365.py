# ResNet-18 on Places365-Standard from scratch (paper Table 3). Paper: 50.92.
# Batch 256 = 8 processes x 32: bash tools/dist_train.sh THIS_CONFIG 8
_base_ = [
    '../../_base_/models/r18.py',
    '../../_base_/datasets/places365_bs256.py',
    '../../_base_/schedules/imagenet_bs256_100e.py',
    '../../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=365))
