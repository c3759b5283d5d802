# Runtime settings shared by every sskt config.
default_scope = 'sskt'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # a checkpoint after every epoch (the latest 3 are kept) and the best one,
    # written atomically; a resumed run re-validates an epoch whose validation
    # a kill interrupted, so a kill costs at most the epoch in progress
    checkpoint=dict(
        type='SafeCheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_last=True,
        save_best='auto'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # a NaN/inf loss stops the run; action='skip' skips such batches instead
    non_finite=dict(type='NonFiniteLossHook', action='stop'),
    # tools/test.py --show-dir switches it on
    visualization=dict(type='mmpretrain.VisualizationHook', enable=False),
)

# Saves the random generators with each checkpoint, so a resumed run continues
# exactly like an uninterrupted one (mmengine 0.10.7 does not); refuses a
# target head whose num_classes is not the training set's, before training.
custom_hooks = [dict(type='RNGStateHook'), dict(type='ClassCountCheckHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # on machines without CUDA, tools/train.py switches to gloo by itself
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [
    dict(type='LocalVisBackend'),
    dict(type='TensorboardVisBackend'),
]
visualizer = dict(
    type='mmpretrain.UniversalVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False

# seed=None draws a random seed; tools/run_seeds-style sweeps set it
randomness = dict(seed=0, deterministic=False)

# dtype that `tools/train.py --amp` trains in: 'float16' or 'bfloat16'
amp_dtype = 'float16'
