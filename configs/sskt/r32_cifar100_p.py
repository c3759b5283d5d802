# SSKT: ResNet-32 on CIFAR-100 with the Places365 source (P),
# no transfer module, CE + CE (paper Table 2: 69.97 +- 0.16).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r32_cifar100.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(places365=_base_._sources.places365),
    aux=dict(_base_._sskt.aux, neck=_base_._aux_no_tm))
