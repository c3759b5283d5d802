# UCF-101 split 1 as mmaction rawframes (docs/dataset_prepare.md):
#   data/ucf101/rawframes/<class>/<video>/img_00001.jpg, ...
#   data/ucf101/annotations/ucf101_{train,val}_split_1_rawframes.txt
# The original's (Hara et al.'s) pipeline, in 0-255 pixels minus the
# ActivityNet mean (no std division):
# - train: 16 consecutive frames from a random start (looped if the video is
#   shorter); one square crop per clip of side short_side x s, s in the five
#   scales 0.84089641525^0..4, at the centre or a corner, resized to 112x112;
#   horizontal flip with p=0.5.
# - val, clip-level: one sample per validation clip (3 per video, more for
#   videos under 48 frames: the original's spacing), short side 112, centre
#   crop 112; ClipAccuracy counts every clip -> 'clip/top1', 'clip/top5'.
# - test, video-level: every non-overlapping 16-frame clip of a video (the
#   last one loop-padded with its own frames), short side 112, centre crop
#   112; the head must average the clips' softmax (average_clips='prob');
#   batch size 1 because the number of clips varies -> 'video/top1',
#   'video/top5'.
# Batch 128 as the original = 8 processes x 16 (tools/dist_train.sh CONFIG 8);
# on one process set train_dataloader.batch_size=128 or use --auto-scale-lr.
# Another split: override the three ann_file paths.
dataset_type = 'VideoRawframeDataset'
_dataset_name = 'UCF101'
data_root = 'data/ucf101'
ann_file_train = 'annotations/ucf101_train_split_1_rawframes.txt'
ann_file_val = 'annotations/ucf101_val_split_1_rawframes.txt'
_clip_len = 16

# The original's normalisation: ActivityNet mean, std 1, RGB in 0-255.
data_preprocessor = dict(
    type='mmaction.ActionDataPreprocessor',
    mean=[114.7748, 107.7354, 99.4750],
    std=[1.0, 1.0, 1.0],
    format_shape='NCTHW')

train_pipeline = [
    dict(
        type='mmaction.SampleFrames',
        clip_len=_clip_len,
        frame_interval=1,
        num_clips=1),
    dict(type='mmaction.RawFrameDecode'),
    # scales 0.84089641525 ** (0, 1, 2, 3, 4); the last is 0.4999999999912,
    # so on a 240-pixel short side the smallest crop is 119 pixels, as in
    # the original
    dict(
        type='MultiScaleCornerCrop',
        scales=(1.0, 0.84089641525, 0.7071067811803005, 0.5946035574934808,
                0.49999999999116534),
        positions=('c', 'tl', 'tr', 'bl', 'br')),
    dict(type='mmaction.Resize', scale=(112, 112), keep_ratio=False),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='mmaction.PackActionInputs'),
]
val_pipeline = [
    dict(type='SampleFixedClip', clip_len=_clip_len),
    dict(type='mmaction.RawFrameDecode'),
    dict(type='mmaction.Resize', scale=(-1, 112)),
    dict(type='mmaction.CenterCrop', crop_size=112),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(
        type='mmaction.PackActionInputs',
        meta_keys=('img_shape', 'num_clips', 'clip_start', 'video_index')),
]
test_pipeline = [
    dict(type='SampleAllClips', clip_len=_clip_len),
    dict(type='mmaction.RawFrameDecode'),
    dict(type='mmaction.Resize', scale=(-1, 112)),
    dict(type='mmaction.CenterCrop', crop_size=112),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(
        type='mmaction.PackActionInputs',
        meta_keys=('img_shape', 'num_clips')),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        dataset_name=_dataset_name,
        data_root=data_root,
        ann_file=ann_file_train,
        data_prefix=dict(img='rawframes'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        dataset_name=_dataset_name,
        data_root=data_root,
        ann_file=ann_file_val,
        data_prefix=dict(img='rawframes'),
        clips_per_video=3,
        clip_len=_clip_len,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        dataset_name=_dataset_name,
        data_root=data_root,
        ann_file=ann_file_val,
        data_prefix=dict(img='rawframes'),
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = [
    dict(type='ClipAccuracy', topk=(1, 5)),
    # the validation loss, which the plateau schedule watches ('val_loss')
    dict(type='ValLoss'),
]
test_evaluator = dict(type='VideoAccuracy', topk=(1, 5))
