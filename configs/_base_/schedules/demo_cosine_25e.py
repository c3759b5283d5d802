# The demo's short schedule: SGD lr 0.02, momentum 0.9, weight decay 5e-4,
# cosine decay to 0 over 25 epochs, validation every 5 epochs.
# (lr 0.05 made the deeper ResNet-56 teacher and the DML peers diverge on
# 25 images in batches of 5; 0.02 trains every method stably.)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=25)

train_cfg = dict(by_epoch=True, max_epochs=25, val_interval=5)
val_cfg = dict()
test_cfg = dict()
