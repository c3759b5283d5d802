# CIFAR ResNet-44: ResNet-20 with 7 blocks per stage.
_base_ = './r20_cifar.py'

model = dict(backbone=dict(depth=44))
