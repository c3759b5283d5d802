# Demo: ResNet-20 with Hinton KD from the ResNet-56 teacher
# (tools/demo.py trains it first into work_dirs/demo/teacher).
_base_ = ['./r20_digits04_scratch.py']

model = dict(
    _delete_=True,
    type='KD',
    target=_base_.model,
    teacher=dict(
        type='FrozenClassifier',
        config='configs/demo/r56_digits04_teacher.py',
        checkpoint='work_dirs/demo/teacher/epoch_25.pth'),
    ce_weight=0.1,
    kd_weight=0.9,
    T=4.0)
