# The original code in full, for ResNet-20 on STL-10 with P+I sources: the
# README command (transfer module, 'kd' aux loss = element-mean KL, alpha 0.1,
# T 3), sources with BN in train mode and no re-normalisation, and the
# original's classifier init (fc bias at PyTorch's default). Supplement
# grid, S10 R20 P+I TM o KD: 81.33. See docs/faithful_vs_default.md.
_base_ = [
    '../baselines/scratch/r20_stl10.py',
    '../_base_/sskt/sources_faithful.py',
    '../_base_/sskt/model.py',
    '../_base_/sskt/faithful_init.py',
]

_head = dict(_base_.model.head, **_base_._cifar_fc_init)
model = dict(
    _base_._sskt_faithful,
    target=dict(_base_.model, head=_head),
    sources=_base_._sources)
