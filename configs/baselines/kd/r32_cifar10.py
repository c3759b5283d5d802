# Hinton KD: ResNet-32 on CIFAR-10 taught by a ResNet-56 teacher
# (configs/baselines/kd/teachers/r56_cifar10.py, trained first and copied to
# checkpoints/teachers/r56_cifar10.pth). Seed README, KD column: 92.61 +-
# 0.31. loss = 0.1 * CE + 0.9 * T^2 * KL, batchmean, T = 4: the Hinton recipe
# of RepDistiller (-r 0.1 -a 0.9 --kd_T 4); the paper gives none.
_base_ = ['./r20_cifar10.py']

model = dict(target=dict(backbone=dict(depth=32)))
