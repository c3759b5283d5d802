# Demo step 1: the source, a torchvision ResNet-18 trained on digits 5-9
# (626 images, batches of 32) for 3 epochs.
# Its checkpoint (keys under `net.`) is what FrozenSource reads.
_base_ = [
    '../_base_/datasets/digits_source.py',
    '../_base_/schedules/demo_cosine_25e.py',
    '../_base_/default_runtime.py',
]

model = dict(type='TorchvisionClassifier', arch='resnet18', num_classes=5)
train_dataloader = dict(batch_size=32)
optim_wrapper = dict(optimizer=dict(lr=0.05))
train_cfg = dict(max_epochs=3, val_interval=3)
param_scheduler = dict(T_max=3)
default_hooks = dict(
    checkpoint=dict(interval=-1, save_last=True, save_best=None))
