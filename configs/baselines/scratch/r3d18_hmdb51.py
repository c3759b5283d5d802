# Hara's 3D ResNet-18 (shortcut A) on HMDB-51 split 1 from scratch: 16-frame
# clips at 112 px, SGD lr 0.1 with a plateau schedule on the validation loss.
# Paper Table 5 (video-level top-1, tools/test.py): 17.14.
_base_ = [
    '../../_base_/models/r3d18_hara.py',
    '../../_base_/datasets/hmdb51_rawframes.py',
    '../../_base_/schedules/video_plateau_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(cls_head=dict(num_classes=51))
