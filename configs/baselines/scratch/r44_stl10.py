# ResNet-44 on STL-10 (96x96) from scratch. Paper: 80.18 +- 0.54.
_base_ = [
    '../../_base_/models/r44_cifar.py',
    '../../_base_/datasets/stl10_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]
