# ResNet-50 on Pascal VOC2007 (multi-label) from scratch.
# Paper (per-image AP, the first metric): 61.16 +- 0.34.
_base_ = './r18_voc.py'

model = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
