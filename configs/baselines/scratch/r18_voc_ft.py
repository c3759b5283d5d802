# ResNet-18 on Pascal VOC2007, fine-tuned from torchvision's ImageNet weights
# (paper Table 7 baseline). Paper: 90.52 +- 0.11.
# The torchvision file checkpoints/resnet18_imagenet.pth is read as is
# (sskt.TorchvisionResNetPretrained maps its keys onto mmpretrain's ResNet);
# fine-tuning uses lr 0.01 (paper Table 1).
_base_ = './r18_voc.py'

model = dict(
    backbone=dict(
        init_cfg=dict(
            type='sskt.TorchvisionResNetPretrained',
            checkpoint='checkpoints/resnet18_imagenet.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.01))
