# SSKT: ResNet-20 on CIFAR-10 with the Places365 and ImageNet sources (P+I),
# no transfer module, CE + KD (paper Table 2: 92.46 +- 0.15).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r20_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=_base_._sources,
    aux=dict(neck=_base_._aux_no_tm, loss=_base_._aux_kd_elementmean))
