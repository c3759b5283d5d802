# scikit-learn digits (a small real image set for laptop-sized runs):
# SGD lr 0.1, momentum 0.9, weight decay 5e-4, batch 64, 30 epochs,
# lr x0.1 at epochs 15 and 25.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[15, 25], gamma=0.1)

train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=64)
