# CIFAR ResNet-20 (6n+2, option-A shortcuts) for 32x32 or 96x96 inputs.
# The classifier comes from mmpretrain (hence _scope_); our backbone inside it
# is named with its own scope. Every stage is returned: the head reads the
# last, SSKT's auxiliary branches read them all.
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='sskt.CifarResNet', depth=20, out_indices=(0, 1, 2)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        # the original code: kaiming-normal (fan_in) for the fc layer too
        init_cfg=dict(type='Kaiming', layer='Linear', mode='fan_in'),
    ))
