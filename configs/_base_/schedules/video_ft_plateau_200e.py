# Fine-tuning a Kinetics-400 3D ResNet on UCF-101 / HMDB-51 (the original's
# README command): lr 0.01 and `ft_begin_index=4`: only layer4 and the
# classifier learn; conv1, bn1 and layer1-3 get lr 0 (mmengine paramwise_cfg;
# the keys also match an SSKT target's `target.backbone.*`). The auxiliary
# branches of an SSKT target train (the original leaves them at lr 0, which
# makes them fixed random projections: add
#   --cfg-options \
#   optim_wrapper.paramwise_cfg.custom_keys.aux_branches.lr_mult=0
# to reproduce that).
_base_ = './video_plateau_200e.py'

optim_wrapper = dict(
    optimizer=dict(lr=0.01),
    paramwise_cfg=dict(
        custom_keys={
            'backbone.conv1': dict(lr_mult=0),
            'backbone.bn1': dict(lr_mult=0),
            'backbone.layer1': dict(lr_mult=0),
            'backbone.layer2': dict(lr_mult=0),
            'backbone.layer3': dict(lr_mult=0),
        }))
