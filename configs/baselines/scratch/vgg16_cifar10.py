# VGG-16 (BN) on CIFAR-10 from scratch: the MAXL comparison's target.
# The paper gives no scratch number for it.
_base_ = [
    '../../_base_/models/vgg16_cifar.py',
    '../../_base_/datasets/cifar10_bs128.py',
    '../../_base_/schedules/cifar_bs128_200e.py',
    '../../_base_/default_runtime.py',
]
