# SSKT: ResNet-18 on Pascal VOC2007 fine-tuned from torchvision ImageNet
# weights (checkpoints/resnet18_imagenet.pth), Places365 + ImageNet sources,
# transfer module, BCE + KD (paper Table 7: 92.25 +- 0.07); lr 0.01.
_base_ = [
    '../baselines/scratch/r18_voc_ft.py',
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
    aux=dict(
        neck={{_base_.aux_tm_imagenet}},
        loss={{_base_.aux_kd_elementmean}}),  # a 'KD' row
    alpha=1.0,
    T=1.0)
