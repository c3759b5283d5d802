# SSKT: ResNet-20 on CIFAR-10 with the Places365 source (P),
# transfer module, CE + KD (paper Table 2: 92.25 +- 0.04).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r20_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(places365=_base_._sources.places365),
    aux=dict(_base_._sskt.aux, loss=_base_._aux_kd_elementmean))
