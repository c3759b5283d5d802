# VGG-16 with batch norm for 32x32 inputs. Its five max-pool stages are the
# stages (the last gives 512x1x1); all are returned, the head reads the last.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='sskt.CifarVGG', depth=16, out_indices=(0, 1, 2, 3, 4)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
