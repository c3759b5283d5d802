# MobileNetV2 on STL-10 (96x96) from scratch (paper Table 6).
# Paper: 72.26 +- 0.83.
_base_ = [
    '../../_base_/models/mbv2.py',
    '../../_base_/datasets/stl10_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=10))
