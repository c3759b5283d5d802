# SSKT: VGG-16 on CIFAR-10 with an ImageNet VGG-16 source, focal loss on the
# target and on the auxiliary task (the "F" rows; gamma=2 as in the original
# 3D code). Seed README, MAXL table: 94.1 +- 0.1.
_base_ = ['./vgg16_cifar10_i.py']

model = dict(
    target=dict(head=dict(loss=dict(_delete_=True, type='sskt.FocalLoss'))),
    aux=dict(loss=dict(_delete_=True, type='FocalLoss')))
