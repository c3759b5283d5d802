# SSKT: ResNet-18 on Places365 with the ImageNet source (I),
# transfer module, CE + CE (paper Table 3: 53.67).
# alpha=1, T=1: what the headline numbers match (sskt-method.md 4.1).
_base_ = [
    '../baselines/scratch/r18_places365.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(imagenet={{_base_.imagenet_source}}),
    aux=dict(neck={{_base_.aux_tm_imagenet}}, loss={{_base_.aux_ce}}),
    alpha=1.0,
    T=1.0)
