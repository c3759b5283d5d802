# The original code's initialisation of the target's classifier, for the
# faithful rows (docs/faithful_vs_default.md, docs/method.md "Faithful mode").
# A row merges one of these into its target's head:
#   target=dict(_base_.model, head=dict(_base_.model.head, **_base_._x))
# Names with one leading underscore are config parts, dropped from the merged
# config by sskt.engine.load_config.

# CIFAR ResNets: Kaiming-normal (fan_in) weight, the bias left at PyTorch's
# default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (mmengine's Kaiming zeroes it)
_cifar_fc_init = dict(
    init_cfg=dict(type='sskt.KaimingWeight', layer='Linear', mode='fan_in'))
# ImageNet-style ResNets (VOC rows): nn.Linear's default for weight and bias
# (mmpretrain's LinearClsHead draws N(0, 0.01) and a zero bias)
_imagenet_fc_init = dict(
    init_cfg=dict(type='sskt.TorchDefault', layer='Linear'))
# The 3D ResNet: nn.Linear's default; mmaction's I3DHead ignores init_cfg, so
# the head becomes InitCfgI3DHead (I3DHead that follows it)
_i3d_fc_init = dict(
    type='sskt.InitCfgI3DHead',
    init_cfg=dict(type='sskt.TorchDefault', layer='Linear'))
