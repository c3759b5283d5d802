# SSKT: DenseNet-121 on STL-10 with the Places365 and ImageNet sources (P+I),
# no transfer module, CE + CE (paper Table 6: 77.03 +- 0.17).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/d121_stl10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=_base_._sources,
    aux=dict(_base_._sskt.aux, neck=_base_._aux_no_tm))
