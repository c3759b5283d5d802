# SSKT: 3D ResNet-18 fine-tuned from Kinetics-400 on HMDB-51 split 1 with
# the Places365 and ImageNet sources (P+I), transfer module, CE + CE
# (paper Table 7, video-level top-1: 57.29). Each source sees the centre frame
# of every clip at 224 px; alpha=1, T=1 (the 3D code has neither).
_base_ = [
    '../baselines/scratch/r3d18_hmdb51_ft.py',
    '../_base_/sskt/sources_video.py',
    '../_base_/sskt/model.py',
]

model = dict(_base_._sskt_3d, target=_base_.model, sources=_base_._sources)
