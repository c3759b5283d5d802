# SSKT: VGG-16 on CIFAR-10 with an ImageNet VGG-16 source
# (checkpoints/vgg16_imagenet.pth), CE + CE (seed README, MAXL table:
# 94.22 +- 0.02). The transfer-module setting is not reported: we use it.
_base_ = [
    '../baselines/scratch/vgg16_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._vgg16_imagenet_source))
