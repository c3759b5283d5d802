# CIFAR-10/100 and STL-10: the original SSKT code's schedule.
# SGD lr 0.1, momentum 0.9, weight decay 5e-4, batch 128, 200 epochs,
# lr x0.2 at epochs 60/120/160 (the code also lists 200: a no-op at 200
# epochs).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[60, 120, 160], gamma=0.2)

train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=1)
val_cfg = dict()
test_cfg = dict()

# `tools/train.py --auto-scale-lr` scales lr by (total batch size / 128)
auto_scale_lr = dict(base_batch_size=128)
