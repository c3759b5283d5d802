# SSKT: 3D ResNet-18 fine-tuned from Kinetics-400 on HMDB-51 split 1 with
# the Places365 source (P), transfer module, CE + KD
# (paper Table 7, video-level top-1: 57.82). Each source sees the centre frame
# of every clip at 224 px; alpha=1, T=1 (the 3D code has neither).
_base_ = [
    '../baselines/scratch/r3d18_hmdb51_ft.py',
    '../_base_/sskt/sources_video.py',
    '../_base_/sskt/aux.py',
]

model = dict(
    _delete_=True,
    type='SSKT',
    target={{_base_.model}},
    sources=dict(places365={{_base_.places365_source}}),
    aux=dict(neck={{_base_.aux_tm_3d}},
             loss={{_base_.aux_kd_elementmean}}),  # a 'KD' row
    probe_input_shape=(3, 16, 64, 64))
