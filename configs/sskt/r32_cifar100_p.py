# SSKT: ResNet-32 on CIFAR-100 with the Places365 source (P),
# no transfer module, CE + CE (paper Table 2: 69.97 +- 0.16).
# alpha=1, T=1: what the headline numbers match (sskt-method.md 4.1).
_base_ = [
    '../baselines/scratch/r32_cifar100.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(places365={{_base_.places365_source}}),
    aux=dict(neck={{_base_.aux_no_tm}}, loss={{_base_.aux_ce}}),
    alpha=1.0,
    T=1.0)
