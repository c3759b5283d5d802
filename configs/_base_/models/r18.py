# ImageNet-style ResNet-18 (mmpretrain's ResNet), for 224x224 inputs. Every
# stage is returned: the head reads the last, SSKT's auxiliary branches read
# them all. As in the original (torchvision) code, the last BN of each block
# starts at 1, not 0 (mmpretrain's default is zero_init_residual=True).
model = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet',
        depth=18,
        out_indices=(0, 1, 2, 3),
        zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    ))
