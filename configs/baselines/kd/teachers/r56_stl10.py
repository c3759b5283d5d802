# The KD teacher for the STL-10 rows: ResNet-56 trained from scratch on the
# same data with the scratch recipe. Train it, then copy its last checkpoint
# to
# checkpoints/teachers/r56_stl10.pth:
#   python tools/train.py configs/baselines/kd/teachers/r56_stl10.py
#   cp work_dirs/r56_stl10/epoch_200.pth \
#      checkpoints/teachers/r56_stl10.pth
_base_ = [
    '../../../_base_/models/r56_cifar.py',
    '../../../_base_/datasets/stl10_bs128.py',
    '../../../_base_/schedules/cifar_bs128_200e.py',
    '../../../_base_/default_runtime.py',
]
