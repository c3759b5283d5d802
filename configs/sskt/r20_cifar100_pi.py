# SSKT: ResNet-20 on CIFAR-100 with the Places365 and ImageNet sources (P+I),
# transfer module, CE + CE (paper Table 2: 68.56 +- 0.23).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r20_cifar100.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(_base_._sskt, target=_base_.model, sources=_base_._sources)
