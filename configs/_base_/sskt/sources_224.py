# The sources for 224-px targets (VOC, ImageNet, Places365): the input is not
# resized (the original code feeds VOC training images to the sources as they
# are). Everything else as in sources.py.
_base_ = './sources.py'

_sources = dict(
    imagenet=dict(adapter=dict(scale_factor=1.0)),
    places365=dict(adapter=dict(scale_factor=1.0)))
