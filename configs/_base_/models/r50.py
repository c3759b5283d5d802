# ImageNet-style ResNet-50 (mmpretrain's ResNet, bottleneck blocks), for
# 224x224 inputs.
_base_ = './r18.py'

model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
