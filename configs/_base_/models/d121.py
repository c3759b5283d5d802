# DenseNet-121 (mmpretrain's). All four dense-block outputs are returned; the
# head reads the last (1024 channels).
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='DenseNet', arch='121', out_indices=(0, 1, 2, 3)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=1024,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
