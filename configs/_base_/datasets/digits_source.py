# The demo's source task: digits 5-9 (a label space the target does not
# have, on images the target never sees), all 626 training images.
_base_ = './digits_bs64.py'

_source_digits = (5, 6, 7, 8, 9)
data_preprocessor = dict(num_classes=5)
train_dataloader = dict(dataset=dict(classes=_source_digits))
val_dataloader = dict(dataset=dict(classes=_source_digits))
test_dataloader = val_dataloader
