# SSKT: ResNet-32 on CIFAR-10 with the Places365 source (P),
# no transfer module, CE + KD (paper Table 2: 92.87 +- 0.31).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r32_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(places365=_base_._sources.places365),
    aux=dict(neck=_base_._aux_no_tm, loss=_base_._aux_kd_elementmean))
