# Deep Mutual Learning: two ResNet-32 peers on CIFAR-10 trained
# together, each with its own optimizer (Zhang et al., CVPR 2018). Seed README,
# DML column: 93.26 +- 0.21; sskt reports peer 0 (`accuracy/top1`) and
# logs every peer (`peer<i>/...`). Synchronous updates (update='sequential' is
# the paper's); KL(batchmean) to the other peer, T = 1.
_base_ = ['./r20_cifar10.py']

model = dict(peer=dict(backbone=dict(depth=32)))
