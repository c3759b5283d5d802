# The sources exactly as the original code runs them: BN in train mode (batch
# statistics, running statistics drifting towards the target data) and the
# target's normalised tensor passed through without re-normalisation.
_base_ = './sources.py'

imagenet_source = dict(bn_mode='train', adapter=dict(renormalize=False))
places365_source = dict(bn_mode='train', adapter=dict(renormalize=False))
