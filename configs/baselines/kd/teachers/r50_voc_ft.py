# The KD teacher for the VOC rows: ResNet-50 fine-tuned on VOC2007 from
# torchvision's ImageNet weights (the SSKT ImageNet source file,
# checkpoints/resnet50_imagenet.pth), lr 0.01. Train it, then copy its last
# checkpoint to checkpoints/teachers/r50_voc_ft.pth:
#   python tools/train.py configs/baselines/kd/teachers/r50_voc_ft.py
#   cp work_dirs/r50_voc_ft/epoch_100.pth checkpoints/teachers/r50_voc_ft.pth
_base_ = ['../../scratch/r50_voc.py']

model = dict(
    backbone=dict(
        init_cfg=dict(
            type='sskt.TorchvisionResNetPretrained',
            checkpoint='checkpoints/resnet50_imagenet.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.01))
