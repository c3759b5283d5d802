# scikit-learn's real 8x8 digits, upsampled to 32x32 RGB
# (sskt.datasets.Digits): 1,262 train / 535 test images with a fixed split,
# nothing to download.
# Random crop 32 with padding 2; no flips (a mirrored digit is another glyph).
# Digits(num_per_class=k) keeps k labelled training images per class.
dataset_type = 'Digits'
data_preprocessor = dict(
    num_classes=10,
    # mean/std of the training images (grey, so equal in R, G and B)
    mean=[78.14, 78.14, 78.14],
    std=[82.62, 82.62, 82.62],
    to_rgb=False)

train_pipeline = [
    dict(type='mmpretrain.RandomCrop', crop_size=32, padding=2),
    dict(type='mmpretrain.PackInputs'),
]
test_pipeline = [dict(type='mmpretrain.PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    dataset=dict(type=dataset_type, split='train', pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    dataset=dict(type=dataset_type, split='test', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
