# The GPU fast path for SSKT image rows (tools/analysis_tools/benchmark.py
# measures it; docs/benchmarks.md has the numbers). Merged over a row config:
# - sources in bfloat16 autocast under inference mode (aux losses within 1e-2
#   of fp32, tested), their BN in eval mode as in every default config;
# - channels-last target, branches, sources and batches;
# - the logged losses read in one device-to-host copy per iteration;
# - images stay uint8 through the data loader (PackInputs only) and are
#   cropped (padding 4), flipped and normalised as batch operations on the
#   device by BatchAugmentClsDataPreprocessor; one copy per batch
#   (default_collate, pinned memory).
# On the CPU the same config runs in float32 for the sources (autocast
# applies on CUDA only). torch.compile is opt-in: --cfg-options
# model.compile_target=True model.sources.imagenet.compile=True ...
fast_source = dict(autocast_dtype='bfloat16')

fast_preprocessor = dict(
    type='sskt.BatchAugmentClsDataPreprocessor',
    padding=4,
    flip_prob=0.5,
    channels_last=True)
fast_train_dataloader = dict(
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    collate_fn=dict(type='default_collate'),
    dataset=dict(pipeline=[dict(type='mmpretrain.PackInputs')]))
