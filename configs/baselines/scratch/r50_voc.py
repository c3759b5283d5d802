# ResNet-50 on Pascal VOC2007 (multi-label) from scratch.
# Paper (per-image AP, the first metric): 61.16 +- 0.34.
_base_ = [
    '../../_base_/models/r50.py',
    '../../_base_/datasets/voc07_bs64.py',
    '../../_base_/schedules/voc_bs64_100e.py',
    '../../_base_/default_runtime.py',
]

# BCE over the 20 classes, averaged over image x class entries as in the
# original code; entries of ignored difficult classes (difficult='ignore')
# are left out.
model = dict(
    head=dict(
        _delete_=True,
        type='MultiLabelLinearClsHead',
        num_classes=20,
        in_channels=2048,
        loss=dict(type='sskt.MaskedBCEWithLogitsLoss')))
