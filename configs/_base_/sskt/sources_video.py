# The sources for 3D targets: each 2D source sees the centre frame of every
# clip (the method's f_s for video), resized to 224 and re-normalised from the
# target's statistics to its own (docs/method.md, "Video targets").
# Everything else as in sources.py.
_base_ = './sources.py'

_sources = dict(
    imagenet=dict(adapter=dict(frame='centre', size=224)),
    places365=dict(adapter=dict(frame='centre', size=224)))
