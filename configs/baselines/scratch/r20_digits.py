# ResNet-20 on scikit-learn's digits (32x32), from scratch: a real-image run
# that needs no download and trains in about a minute on 2 CPU cores (the
# test suite's tiny runs start from it; `make demo` uses configs/demo/).
_base_ = [
    '../../_base_/models/r20_cifar.py',
    '../../_base_/datasets/digits_bs64.py',
    '../../_base_/schedules/digits_bs64_30e.py',
    '../../_base_/default_runtime.py',
]

default_hooks = dict(logger=dict(interval=10))
