# Hinton KD: ResNet-50 on VOC2007 taught by a ResNet-50 fine-tuned from
# ImageNet teacher (configs/baselines/kd/teachers/r50_voc_ft.py, trained
# first and copied to checkpoints/teachers/r50_voc_ft.pth). Seed README, KD
# column: 62.39 +- 0.6. loss = 0.1 * BCE + 0.9 * per-class binary KD
# (BinaryKDLoss), T = 4: the Hinton recipe of RepDistiller (-r 0.1 -a 0.9
# --kd_T 4); the paper gives none.
_base_ = ['./r18_voc.py']

model = dict(target=dict(backbone=dict(depth=50), head=dict(in_channels=2048)))
