# Demo: SSKT with a linear head, with the opt-in soft-label cache (an
# approximation: 4 cached crops per image, the sources' top-2 of 5 classes;
# see sskt/models/distillers/soft_label_cache.py), switched on by the
# SSKTWithSoftLabelCache distiller. The crops move to the device
# preprocessor so that they can be replayed: the same random crop (padding
# 2, no flips) as the per-image pipeline of the other demo runs.
_base_ = ['./r20_digits04_sskt_linear.py']

model = dict(
    type='SSKTWithSoftLabelCache',
    soft_label_cache=dict(num_samples=25, k=2, slots=4))
data_preprocessor = dict(
    type='sskt.BatchAugmentClsDataPreprocessor', padding=2, flip_prob=0.0)
train_dataloader = dict(
    dataset=dict(pipeline=[dict(type='mmpretrain.PackInputs')]))
