# SSKT: ResNet-50 on VOC2007 with the ImageNet source (I),
# transfer module, BCE + CE (paper Table 4: 74.24 +- 0.05).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r50_voc.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet),
    aux=dict(_base_._sskt.aux, neck=_base_._aux_tm_imagenet))
