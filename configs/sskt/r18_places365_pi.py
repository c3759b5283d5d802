# SSKT: ResNet-18 on Places365 with the Places365 and ImageNet sources (P+I),
# no transfer module, CE + CE (paper Table 3: 54.78).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r18_places365.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=_base_._sources,
    aux=dict(_base_._sskt.aux, neck=_base_._aux_no_tm))
