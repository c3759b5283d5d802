# ResNet-32 on STL-10 (96x96) from scratch. Paper: 81.19 +- 0.17.
_base_ = [
    '../../_base_/models/r32_cifar.py',
    '../../_base_/datasets/stl10_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]
