# MobileNetV2 (mmpretrain's, width 1.0). Returned stages: the last block
# before each down-sampling (24 ch at 1/4, 32 at 1/8, 96 at 1/16) and the final
# 1280-channel conv, which the head reads.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='MobileNetV2', widen_factor=1.0, out_indices=(1, 2, 4, 7)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=1280,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
