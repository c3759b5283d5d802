# The original code in full, for ResNet-18 on VOC2007 with P+I sources:
# transfer module, 'kd' aux loss = element-mean KL, alpha 0.1, T 3, sources
# with BN in train mode, no re-normalisation and no resize, per-image AP.
# Supplement grid, VOC R18 P+I TM o KD: 69.89. See
# docs/faithful_vs_default.md.
_base_ = [
    '../baselines/scratch/r18_voc.py',
    '../_base_/sskt/sources_faithful_224.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(
        imagenet={{_base_.imagenet_source}},
        places365={{_base_.places365_source}}),
    aux=dict(
        neck={{_base_.aux_tm_imagenet}},
        loss={{_base_.aux_kd_elementmean}}),  # a 'KD' row
    alpha=0.1,
    T=3.0)
