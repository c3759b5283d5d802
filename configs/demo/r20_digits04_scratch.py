# Demo: ResNet-20 on digits 0-4 from 5 labelled images per class, alone.
_base_ = [
    '../_base_/models/r20_cifar.py',
    '../_base_/datasets/digits_few_labels.py',
    '../_base_/schedules/demo_cosine_25e.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=5))
# one checkpoint, at the end (tools/test.py and the KD teacher read it)
default_hooks = dict(
    checkpoint=dict(interval=-1, save_last=True, save_best=None))
