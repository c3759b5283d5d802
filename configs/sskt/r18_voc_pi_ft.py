# SSKT: ResNet-18 on Pascal VOC2007 fine-tuned from torchvision ImageNet
# weights (checkpoints/resnet18_imagenet.pth), Places365 + ImageNet sources,
# transfer module, BCE + KD (paper Table 7: 92.25 +- 0.07); lr 0.01.
_base_ = [
    '../baselines/scratch/r18_voc_ft.py',
    '../_base_/sskt/sources_224.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(
        imagenet={{_base_.imagenet_source}},
        places365={{_base_.places365_source}}),
    aux=dict(
        # transfer module, widths of the original's ImageNet-style ResNets
        neck=dict(
            type='TransferModule',
            out_channels=1000,
            mid_channels=500,
            init_cfg=dict(type='Kaiming', layer='Conv2d', mode='fan_out')),
        # a 'KD' row: the original's element-mean KL (1/K of batchmean)
        loss=dict(type='KDLoss', reduction='mean')),
    alpha=1.0,
    T=1.0)
