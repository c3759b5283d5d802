# ResNet-20 on CIFAR-100 from scratch. Paper: 68.26 +- 0.36.
_base_ = [
    '../../_base_/models/r20_cifar.py',
    '../../_base_/datasets/cifar100_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))
