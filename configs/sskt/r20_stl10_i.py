# SSKT: ResNet-20 on STL-10 with the ImageNet source (I),
# transfer module, CE + CE (paper Table 2: 83.45 +- 0.07).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r20_stl10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet))
