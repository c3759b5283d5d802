# ResNet-32 on CIFAR-100 from scratch. Paper: 70.33 +- 0.19.
_base_ = [
    '../../_base_/models/r32_cifar.py',
    '../../_base_/datasets/cifar100_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))
