# SSKT: 3D ResNet-18 fine-tuned from Kinetics-400 on HMDB-51 split 1 with
# the ImageNet source (I), transfer module, CE + KD
# (paper Table 7, video-level top-1: 57.75). Each source sees the centre frame
# of every clip at 224 px; alpha=1, T=1 (the 3D code has neither).
_base_ = [
    '../baselines/scratch/r3d18_hmdb51_ft.py',
    '../_base_/sskt/sources_video.py',
    '../_base_/sskt/model.py',
]

model = dict(
    _base_._sskt_3d,
    target=_base_.model,
    sources=dict(imagenet=_base_._sources.imagenet),
    aux=dict(_base_._sskt_3d.aux, loss=_base_._aux_kd_elementmean))
