# SSKT: ResNet-18 on VOC2007 with the Places365 and ImageNet sources (P+I),
# transfer module, BCE + CE (paper Table 4: 76.42 +- 0.06).
# alpha=1, T=1: what the headline numbers match (sskt-method.md 4.1).
_base_ = [
    '../baselines/scratch/r18_voc.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(
        imagenet={{_base_.imagenet_source}},
        places365={{_base_.places365_source}}),
    aux=dict(neck={{_base_.aux_tm_imagenet}}, loss={{_base_.aux_ce}}),
    alpha=1.0,
    T=1.0)
