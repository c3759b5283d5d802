# Hara's 3D ResNet-18 (shortcut A) fine-tuned on HMDB-51 split 1 from its
# Kinetics-400 weights (checkpoints/resnet-18-kinetics.pth, Hara's release):
# lr 0.01, only layer4 and the classifier learn (ft_begin_index=4).
# Paper Table 7 (video-level top-1): 56.64.
_base_ = [
    '../../_base_/models/r3d18_hara.py',
    '../../_base_/datasets/hmdb51_rawframes.py',
    '../../_base_/schedules/video_ft_plateau_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        init_cfg=dict(
            type='sskt.HaraKineticsPretrained',
            checkpoint='checkpoints/resnet-18-kinetics.pth')),
    cls_head=dict(num_classes=51))
