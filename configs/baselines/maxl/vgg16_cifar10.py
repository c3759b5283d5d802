# MAXL (Liu et al., NeurIPS 2019), first-order variant: VGG-16 on CIFAR-10
# with psi = 5 auxiliary classes per class from a VGG-16 label generator;
# focal primary loss, entropy weight 0.2, batch 100.
# Seed README, MAXL table: 93.49 +- 0.05 (psi=5).
_base_ = [
    '../../_base_/models/vgg16_cifar.py',
    '../../_base_/datasets/cifar10_bs128.py',
    '../../_base_/schedules/maxl_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    _delete_=True,
    type='MAXL',
    target=_base_.model,
    psi=[5] * 10,
    generator=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='sskt.CifarVGG', depth=16),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=50, in_channels=512)),
    entropy_weight=0.2)
train_dataloader = dict(batch_size=100)
