# ResNet-18 on Pascal VOC2007 (multi-label) from scratch.
# Paper (per-image AP, the first metric): 67.28 +- 0.25.
_base_ = [
    '../../_base_/models/r18.py',
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
        in_channels=512,
        loss=dict(type='sskt.MaskedBCEWithLogitsLoss')))

# keep the checkpoint with the best per-image AP (mmengine cannot tell from
# this metric's name that larger is better)
default_hooks = dict(
    checkpoint=dict(save_best='multi-label/per_image_AP', rule='greater'))
