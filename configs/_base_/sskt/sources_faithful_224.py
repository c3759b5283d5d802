# sources_faithful.py for 224-px targets: no resize, as the original code
# feeds VOC training images to the sources.
_base_ = './sources_faithful.py'

_sources = dict(
    imagenet=dict(adapter=dict(scale_factor=1.0)),
    places365=dict(adapter=dict(scale_factor=1.0)))
