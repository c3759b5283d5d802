# CIFAR ResNet-56: ResNet-20 with 9 blocks per stage (the KD teacher of the
# CIFAR and STL-10 rows).
_base_ = './r20_cifar.py'

model = dict(backbone=dict(depth=56))
