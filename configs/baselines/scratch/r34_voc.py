# ResNet-34 on Pascal VOC2007 (multi-label) from scratch.
# Paper (per-image AP, the first metric): 66.0 +- 0.49.
_base_ = './r18_voc.py'

model = dict(backbone=dict(depth=34))
