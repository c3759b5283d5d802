# SSKT: ResNet-18 on VOC2007 with the Places365 source (P),
# transfer module, BCE + CE (paper Table 4: 74.76 +- 0.17).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r18_voc.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(places365=_base_._sources.places365),
    aux=dict(_base_._sskt.aux, neck=_base_._aux_tm_imagenet))
