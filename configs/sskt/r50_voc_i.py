# SSKT: ResNet-50 on VOC2007 with the ImageNet source (I),
# transfer module, BCE + CE (paper Table 4: 74.24 +- 0.05).
# alpha=1, T=1: what the headline numbers match (sskt-method.md 4.1).
_base_ = [
    '../baselines/scratch/r50_voc.py',
    '../_base_/sskt/sources_224.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(imagenet={{_base_.imagenet_source}}),
    aux=dict(
        # transfer module, widths of the original's ImageNet-style ResNets
        neck=dict(
            type='TransferModule',
            out_channels=1000,
            mid_channels=500,
            init_cfg=dict(type='Kaiming', layer='Conv2d', mode='fan_out')),
        loss=dict(type='SoftTargetCELoss')),
    alpha=1.0,
    T=1.0)
