# Hinton KD: ResNet-18 on VOC2007 taught by a ResNet-50 fine-tuned from
# ImageNet teacher (configs/baselines/kd/teachers/r50_voc_ft.py, trained
# first and copied to checkpoints/teachers/r50_voc_ft.pth). Seed README, KD
# column: 64.11 +- 0.18. loss = 0.1 * BCE + 0.9 * per-class binary KD
# (BinaryKDLoss), T = 4: the Hinton recipe of RepDistiller (-r 0.1 -a 0.9
# --kd_T 4); the paper gives none.
_base_ = ['../scratch/r18_voc.py']

model = dict(
    _delete_=True,
    type='KD',
    target=_base_.model,
    teacher=dict(
        type='FrozenClassifier',
        config='configs/baselines/kd/teachers/r50_voc_ft.py',
        checkpoint='checkpoints/teachers/r50_voc_ft.pth'),
    ce_weight=0.1,
    kd_weight=0.9,
    T=4.0)
