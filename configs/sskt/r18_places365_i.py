# SSKT: ResNet-18 on Places365 with the ImageNet source (I),
# transfer module, CE + CE (paper Table 3: 53.67).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r18_places365.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet),
    aux=dict(_base_._sskt.aux, neck=_base_._aux_tm_imagenet))
