# Hinton KD: ResNet-20 on CIFAR-100 taught by a ResNet-56 teacher
# (configs/baselines/kd/teachers/r56_cifar100.py, trained first and copied to
# checkpoints/teachers/r56_cifar100.pth). Seed README, KD column: 68.66 +-
# 0.24. loss = 0.1 * CE + 0.9 * T^2 * KL, batchmean, T = 4: the Hinton recipe
# of RepDistiller (-r 0.1 -a 0.9 --kd_T 4); the paper gives none.
_base_ = ['../scratch/r20_cifar100.py']

model = dict(
    _delete_=True,
    type='KD',
    target=_base_.model,
    teacher=dict(
        type='FrozenClassifier',
        config='configs/baselines/kd/teachers/r56_cifar100.py',
        checkpoint='checkpoints/teachers/r56_cifar100.pth'),
    ce_weight=0.1,
    kd_weight=0.9,
    T=4.0)
