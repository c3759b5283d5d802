# The original code in full, for ResNet-18 on VOC2007 with P+I sources:
# transfer module, 'kd' aux loss = element-mean KL, alpha 0.1, T 3, sources
# with BN in train mode, no re-normalisation and no resize, per-image AP, and
# the classifier at nn.Linear's default init. Supplement grid, VOC R18 P+I
# TM o KD: 69.89. See docs/faithful_vs_default.md.
_base_ = [
    '../baselines/scratch/r18_voc.py',
    '../_base_/sskt/sources_faithful_224.py',
    '../_base_/sskt/model.py',
    '../_base_/sskt/faithful_init.py',
]

_head = dict(_base_.model.head, **_base_._imagenet_fc_init)
model = dict(
    _base_._sskt_faithful,
    target=dict(_base_.model, head=_head),
    sources=_base_._sources,
    aux=dict(_base_._sskt_faithful.aux, neck=_base_._aux_tm_imagenet))
