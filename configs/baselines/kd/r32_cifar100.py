# Hinton KD: ResNet-32 on CIFAR-100 taught by a ResNet-56 teacher
# (configs/baselines/kd/teachers/r56_cifar100.py, trained first and copied to
# checkpoints/teachers/r56_cifar100.pth). Seed README, KD column: 70.5 +-
# 0.05. loss = 0.1 * CE + 0.9 * T^2 * KL, batchmean, T = 4: the Hinton recipe
# of RepDistiller (-r 0.1 -a 0.9 --kd_T 4); the paper gives none.
_base_ = ['./r20_cifar100.py']

model = dict(target=dict(backbone=dict(depth=32)))
