# The sources exactly as the original code runs them: BN in train mode (batch
# statistics, running statistics drifting towards the target data) and the
# target's normalised tensor passed through without re-normalisation
# (docs/method.md, "Faithful mode").
_base_ = './sources.py'

_sources = dict(
    imagenet=dict(bn_mode='train', adapter=dict(renormalize=False)),
    places365=dict(bn_mode='train', adapter=dict(renormalize=False)))
