# MAXL (Liu et al., NeurIPS 2019), first-order variant: ResNet-20 on CIFAR-10
# with psi = 10 auxiliary classes per class from a ResNet-20 label generator;
# focal primary loss, entropy weight 0.2, batch 100.
# Seed README, MAXL table: 91.56 +- 0.16 (psi=10).
_base_ = [
    '../../_base_/models/r20_cifar.py',
    '../../_base_/datasets/cifar10_bs128.py',
    '../../_base_/schedules/maxl_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(
    _delete_=True,
    type='MAXL',
    target=_base_.model,
    psi=[10] * 10,
    generator=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='sskt.CifarResNet', depth=20),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=64)),
    entropy_weight=0.2)
train_dataloader = dict(batch_size=100)
