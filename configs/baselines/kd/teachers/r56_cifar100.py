# The KD teacher for the CIFAR-100 rows: ResNet-56 trained from scratch on the
# same data with the scratch recipe. Train it, then copy its last checkpoint
# to checkpoints/teachers/r56_cifar100.pth:
#   python tools/train.py configs/baselines/kd/teachers/r56_cifar100.py
#   cp work_dirs/r56_cifar100/epoch_200.pth \
#      checkpoints/teachers/r56_cifar100.pth
_base_ = [
    '../../../_base_/models/r56_cifar.py',
    '../../../_base_/datasets/cifar100_bs128.py',
    '../../../_base_/schedules/cifar_bs128_200e.py',
    '../../../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=100))
