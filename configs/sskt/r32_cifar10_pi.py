# SSKT: ResNet-32 on CIFAR-10 with the Places365 and ImageNet sources (P+I),
# transfer module, CE + CE (paper Table 2: 93.38 +- 0.02).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r32_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(_base_._sskt, target=_base_.model, sources=_base_._sources)
