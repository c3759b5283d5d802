# SSKT: ResNet-18 on Pascal VOC2007 fine-tuned from torchvision ImageNet
# weights (checkpoints/resnet18_imagenet.pth), Places365 + ImageNet sources,
# transfer module, BCE + KD (paper Table 7: 92.25 +- 0.07); lr 0.01.
_base_ = [
    '../baselines/scratch/r18_voc_ft.py',
    '../_base_/sskt/sources_224.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt,
    target=_base_.model,
    sources=_base_._sources,
    aux=dict(neck=_base_._aux_tm_imagenet, loss=_base_._aux_kd_elementmean))
