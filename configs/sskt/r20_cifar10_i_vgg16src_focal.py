# SSKT: ResNet-20 on CIFAR-10 with an ImageNet VGG-16 source
# (checkpoints/vgg16_imagenet.pth), transfer module, focal loss on the target
# and on the auxiliary task. Seed README, MAXL table: 91.48 +- 0.03.
_base_ = ['./r20_cifar10_i.py']

model = dict(
    target=dict(head=dict(loss=dict(_delete_=True, type='sskt.FocalLoss'))),
    sources=dict(
        imagenet=dict(
            arch='vgg16', checkpoint='checkpoints/vgg16_imagenet.pth')),
    aux=dict(loss=dict(_delete_=True, type='FocalLoss')))
