# ResNet-20 on CIFAR-10 from scratch. Paper: 92.19 +- 0.09.
_base_ = [
    '../../_base_/models/r20_cifar.py',
    '../../_base_/datasets/cifar10_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]
