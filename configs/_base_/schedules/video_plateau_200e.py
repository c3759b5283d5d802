# 3D ResNet from scratch on UCF-101 / HMDB-51 (the original 3D code): SGD lr
# 0.1 (the paper; the code's default is 0.01), momentum 0.9 with dampening 0.9
# (nesterov off), weight decay 1e-3, 200 epochs, lr x0.1 when the validation
# loss has not improved for 10 epochs. mmengine's validation computes no
# loss, so the val evaluator includes the ValLoss metric (`val_loss`).
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, dampening=0.9, weight_decay=1e-3))
param_scheduler = dict(
    type='ReduceOnPlateauLR',
    monitor='val_loss',
    rule='less',
    factor=0.1,
    patience=10,
    by_epoch=True)

train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
