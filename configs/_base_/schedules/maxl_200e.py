# The MAXL recipe (lorenmt/maxl): one optimizer for the multi-task net
# (target + auxiliary head: SGD lr 0.01, momentum 0.9) and one for the label
# generator (SGD lr 1e-3), weight decay 5e-4 both, lr x0.5 every 50 epochs,
# 200 epochs, one update of each per batch (batch 100: set in the config).
optim_wrapper = dict(
    constructor='SeparateOptimWrapperConstructor',
    target=dict(
        modules=['target', 'aux_head'],
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)),
    generator=dict(optimizer=dict(type='SGD', lr=1e-3, weight_decay=5e-4)))
# one StepLR for each of the two optimizers
param_scheduler = dict(type='StepLR', by_epoch=True, step_size=50, gamma=0.5)

train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=1)
val_cfg = dict()
test_cfg = dict()

# MAXL updates its two networks in its own train_step: under a launcher,
# average gradients over processes instead of mmengine's DDP step
model_wrapper_cfg = dict(type='sskt.GradAllReduceWrapper')
