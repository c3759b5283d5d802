# ImageNet-style ResNet-34 (mmpretrain's ResNet), for 224x224 inputs.
_base_ = './r18.py'

model = dict(backbone=dict(depth=34))
