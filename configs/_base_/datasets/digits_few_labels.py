# The demo's target task: digits 0-4 with only 5 labelled training images
# per class (25 images, 5 batches of 5 an epoch), tested on all 268 test
# images of 0-4.
_base_ = './digits_bs64.py'

_target_digits = (0, 1, 2, 3, 4)
data_preprocessor = dict(num_classes=5)
train_dataloader = dict(
    batch_size=5, dataset=dict(classes=_target_digits, num_per_class=5))
val_dataloader = dict(dataset=dict(classes=_target_digits))
test_dataloader = val_dataloader
