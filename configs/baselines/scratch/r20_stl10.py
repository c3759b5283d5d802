# ResNet-20 on STL-10 (96x96) from scratch. Paper: 81.15 +- 0.34.
_base_ = [
    '../../_base_/models/r20_cifar.py',
    '../../_base_/datasets/stl10_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]
