# The GPU fast path for SSKT image rows (tools/analysis_tools/benchmark.py
# measures it; docs/benchmarks.md has the numbers). A row merges these config
# parts (one leading underscore: dropped from the merged config):
# - _fast_source: sources in bfloat16 autocast under inference mode (aux
#   losses within 1e-2 of fp32, tested), their BN in eval mode as in every
#   default config;
# - _fast_hooks: channels-last model and batches (sskt.ChannelsLastHook) and
#   the logged losses read in one device-to-host copy per iteration
#   (sskt.BatchedLogSyncHook), added to the row's custom_hooks;
# - _fast_preprocessor, _fast_train_dataloader: images stay uint8 through the
#   data loader (PackInputs only) and are cropped (padding 4), flipped and
#   normalised as batch operations on the device by
#   BatchAugmentClsDataPreprocessor; one copy per batch (default_collate,
#   pinned memory).
# On the CPU the same config runs in float32 for the sources (autocast
# applies on CUDA only). torch.compile is opt-in: add
# dict(type='sskt.CompileTargetHook') to custom_hooks for the target backbone
# and --cfg-options model.sources.imagenet.compile=True ... for the sources.
_fast_source = dict(autocast_dtype='bfloat16')
_fast_hooks = [
    dict(type='sskt.ChannelsLastHook'),
    dict(type='sskt.BatchedLogSyncHook'),
]
_fast_preprocessor = dict(
    type='sskt.BatchAugmentClsDataPreprocessor', padding=4, flip_prob=0.5)
_fast_train_dataloader = dict(
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    collate_fn=dict(type='default_collate'),
    dataset=dict(pipeline=[dict(type='mmpretrain.PackInputs')]))
