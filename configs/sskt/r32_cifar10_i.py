# SSKT: ResNet-32 on CIFAR-10 with the ImageNet source (I),
# no transfer module, CE + CE (paper Table 2: 93.26 +- 0.08).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r32_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet),
    aux=dict(_base_._sskt.aux, neck=_base_._aux_no_tm))
