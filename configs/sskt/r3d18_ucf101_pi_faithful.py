# The original 3D code, for 3D ResNet-18 from scratch on UCF-101 split 1 with
# P+I sources, no transfer module, CE + CE (the r3d18_ucf101_pi row): the
# sources see the centre frame at 112 px in the target's 0-255 scale with BN
# in train mode, the plateau schedule watches the validation loss with its
# auxiliary terms, and the classifier starts at nn.Linear's default init
# (mmaction's I3DHead would draw N(0, 0.01)). See docs/faithful_vs_default.md
# and docs/method.md, "Faithful mode".
_base_ = [
    '../baselines/scratch/r3d18_ucf101.py',
    '../_base_/sskt/sources_video_faithful.py',
    '../_base_/sskt/model.py',
    '../_base_/sskt/faithful_init.py',
]

_head = dict(_base_.model.cls_head, **_base_._i3d_fc_init)
model = dict(
    _base_._sskt_3d_faithful,
    target=dict(_base_.model, cls_head=_head),
    sources=_base_._sources,
    aux=dict(_base_._sskt_3d.aux, neck=_base_._aux_no_tm_3d))
