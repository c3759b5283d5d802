# SSKT: ResNet-32 on STL-10 with the ImageNet source (I),
# transfer module, CE + CE (paper Table 2: 83.68 +- 0.28).
# alpha=1, T=1, as the headline numbers (docs/method.md, "Per-row settings").
_base_ = [
    '../baselines/scratch/r32_stl10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet))
