# SSKT: ResNet-18 on ImageNet-1k with the Places365 source (P),
# transfer module, CE + CE (paper Table 3: 64.99).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r18_imagenet.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(places365=_base_._sources.places365),
    aux=dict(_base_._sskt.aux, neck=_base_._aux_tm_imagenet))
