# SSKT: VGG-16 on CIFAR-10 with an ImageNet VGG-16 source
# (checkpoints/vgg16_imagenet.pth), CE + CE (seed README, MAXL table:
# 94.22 +- 0.02). The transfer-module setting is not reported: we use it.
_base_ = [
    '../baselines/scratch/vgg16_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(imagenet={{_base_.vgg16_imagenet_source}}),
    aux=dict(neck={{_base_.aux_tm}}, loss={{_base_.aux_ce}}),
    alpha=1.0,
    T=1.0)
