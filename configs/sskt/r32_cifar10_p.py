# SSKT: ResNet-32 on CIFAR-10 with the Places365 source (P),
# no transfer module, CE + KD (paper Table 2: 92.87 +- 0.31).
# alpha=1, T=1: what the headline numbers match (sskt-method.md 4.1).
_base_ = [
    '../baselines/scratch/r32_cifar10.py',
    '../_base_/sskt/sources.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(places365={{_base_.places365_source}}),
    aux=dict(neck={{_base_.aux_no_tm}},
             loss={{_base_.aux_kd_elementmean}}),  # a 'KD' row
    alpha=1.0,
    T=1.0)
