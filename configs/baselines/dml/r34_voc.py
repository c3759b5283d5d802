# Deep Mutual Learning: two ResNet-34 peers on VOC2007 trained together, each
# with its own optimizer (Zhang et al., CVPR 2018). Seed README, DML column:
# 39.97 +- 0.16; sskt reports peer 0 (`multi-label/per_image_AP`) and logs
# every peer (`peer<i>/...`). Synchronous updates (update='sequential' is the
# paper's); per-class binary KL between peers (multi-label).
_base_ = ['./r18_voc.py']

model = dict(peer=dict(backbone=dict(depth=34)))
