# SSKT: ResNet-20 on STL-10 with the Places365 source (P),
# transfer module, CE + CE (paper Table 2: 82.76 +- 0.05).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r20_stl10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(places365=_base_._sources.places365))
