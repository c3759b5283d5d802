# Deep Mutual Learning: two ResNet-32 peers on STL-10 trained
# together, each with its own optimizer (Zhang et al., CVPR 2018). Seed README,
# DML column: 77.14 +- 1.64; sskt reports peer 0 (`accuracy/top1`) and
# logs every peer (`peer<i>/...`). Synchronous updates (update='sequential' is
# the paper's); KL(batchmean) to the other peer, T = 1.
_base_ = ['./r20_stl10.py']

model = dict(peer=dict(backbone=dict(depth=32)))
