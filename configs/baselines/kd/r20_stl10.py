# Hinton KD: ResNet-20 on STL-10 taught by a ResNet-56 teacher
# (configs/baselines/kd/teachers/r56_stl10.py, trained first and copied to
# checkpoints/teachers/r56_stl10.pth). Seed README, KD column: 77.67 +- 1.41.
# loss = 0.1 * CE + 0.9 * T^2 * KL, batchmean, T = 4: the Hinton recipe of
# RepDistiller (-r 0.1 -a 0.9 --kd_T 4); the paper gives none.
_base_ = ['../scratch/r20_stl10.py']

model = dict(
    _delete_=True,
    type='KD',
    target=_base_.model,
    teacher=dict(
        type='FrozenClassifier',
        config='configs/baselines/kd/teachers/r56_stl10.py',
        checkpoint='checkpoints/teachers/r56_stl10.pth'),
    ce_weight=0.1,
    kd_weight=0.9,
    T=4.0)
