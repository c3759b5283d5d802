# SSKT: ResNet-20 on CIFAR-10 with the ImageNet source (I),
# transfer module, CE + CE (paper Table 2: 92.44 +- 0.05).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r20_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet))
