# The original code in full, for ResNet-20 on STL-10 with P+I sources: the
# README command (transfer module, 'kd' aux loss = element-mean KL, alpha 0.1,
# T 3), sources with BN in train mode and no re-normalisation. Supplement
# grid, S10 R20 P+I TM o KD: 81.33. See docs/faithful_vs_default.md.
_base_ = [
    '../baselines/scratch/r20_stl10.py',
    '../_base_/sskt/sources_faithful.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(
        imagenet={{_base_.imagenet_source}},
        places365={{_base_.places365_source}}),
    aux=dict(neck={{_base_.aux_tm}},
             loss={{_base_.aux_kd_elementmean}}),  # a 'KD' row
    alpha=0.1,
    T=3.0)
