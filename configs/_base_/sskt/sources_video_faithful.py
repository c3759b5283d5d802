# The sources for 3D targets exactly as the original 3D code runs them: the
# centre frame at 112 px (no resize), in the target's 0-255 mean-subtracted
# scale (no re-normalisation), BN in train mode (docs/method.md, "Faithful
# mode").
_base_ = './sources.py'

_sources = dict(
    imagenet=dict(
        bn_mode='train',
        adapter=dict(frame='centre', scale_factor=1.0, renormalize=False)),
    places365=dict(
        bn_mode='train',
        adapter=dict(frame='centre', scale_factor=1.0, renormalize=False)))
