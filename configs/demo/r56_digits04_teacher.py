# Demo step 2: the KD teacher, a deeper ResNet-56 trained on the same 50
# labelled images as the target (25 images).
_base_ = ['./r20_digits04_scratch.py']

model = dict(backbone=dict(depth=56))
