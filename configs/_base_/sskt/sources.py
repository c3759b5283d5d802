# The sources of the paper, frozen and read from local files
# (docs/dataset_prepare.md, "Weights"). Rows use `_base_._sources` (both) or
# one of them, e.g. `sources=dict(imagenet=_base_._sources.imagenet)`; the
# model names them `model.sources.imagenet` and `model.sources.places365`.
# Override a file with --cfg-options model.sources.imagenet.checkpoint=PATH.
#
# Defaults that differ from the original code (docs/faithful_vs_default.md):
# BN in eval mode (the original runs the sources' BN in train mode) and the
# input re-normalised from the target's mean/std to the source's ImageNet
# mean/std (the original feeds the target's tensor as is; sources_faithful.py
# does that). As in the original, inputs are upsampled by 7/3 (32 -> 74,
# 96 -> 224); sources_224.py keeps 224-px inputs as they are
# (docs/method.md, "What the adapters do to a batch").
_sources = dict(
    imagenet=dict(
        type='FrozenSource',
        arch='resnet50',
        num_classes=1000,
        # torchvision's ImageNet ResNet-50 (v1 weights, as the paper), state
        # dict
        checkpoint='checkpoints/resnet50_imagenet.pth',
        bn_mode='eval',
        adapter=dict(
            type='SourceAdapter', scale_factor=7 / 3, renormalize=True)),
    places365=dict(
        type='FrozenSource',
        arch='resnet50',
        num_classes=365,
        # CSAIL's Places365 ResNet-50 as published (.pth.tar, `module.` keys)
        checkpoint='checkpoints/resnet50_places365.pth.tar',
        bn_mode='eval',
        adapter=dict(
            type='SourceAdapter', scale_factor=7 / 3, renormalize=True)))
# torchvision's ImageNet VGG-16 (no BN): the source of the MAXL comparison,
# with this file's settings (the other sources*.py files leave it as it is)
_vgg16_imagenet_source = dict(
    _sources['imagenet'],
    arch='vgg16',
    checkpoint='checkpoints/vgg16_imagenet.pth',
    adapter=dict(_sources['imagenet']['adapter']))
