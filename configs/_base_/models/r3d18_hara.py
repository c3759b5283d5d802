# Hara et al.'s 3D ResNet-18 (shortcut A) as an mmaction Recognizer3D, for
# 16 x 112 x 112 clips: global average pooling and a linear classifier (no
# dropout, as the original), class scores averaged over a video's clips as
# probabilities. Every stage is returned (SSKT's auxiliary branches read them
# all); the LastStage neck hands the last one to the head.
model = dict(
    _scope_='mmaction',
    type='Recognizer3D',
    backbone=dict(
        type='sskt.HaraResNet3d',
        depth=18,
        shortcut='A',
        out_indices=(0, 1, 2, 3)),
    neck=dict(type='sskt.LastStage'),
    cls_head=dict(
        type='I3DHead',
        num_classes=101,
        in_channels=512,
        spatial_type='avg',
        dropout_ratio=0.0,
        init_std=0.01,
        average_clips='prob'))
