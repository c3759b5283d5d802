# SSKT: ResNet-32 on CIFAR-100 with the ImageNet source (I),
# transfer module, CE + CE (paper Table 2: 70.75 +- 0.06).
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
    sources=dict(imagenet={{_base_.imagenet_source}}),
    aux=dict(neck={{_base_.aux_tm}}, loss={{_base_.aux_ce}}),
    alpha=1.0,
    T=1.0)
