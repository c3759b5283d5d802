# Deep Mutual Learning: two ResNet-50 peers on VOC2007 trained together, each
# with its own optimizer (Zhang et al., CVPR 2018). Seed README, DML column:
# 39.65 +- 0.03; sskt reports peer 0 (`multi-label/per_image_AP`) and logs
# every peer (`peer<i>/...`). Synchronous updates (update='sequential' is the
# paper's); per-class binary KL between peers (multi-label).
_base_ = ['../scratch/r50_voc.py']

model = dict(
    _delete_=True, type='DML', peer={{_base_.model}}, num_peers=2, T=1.0)
optim_wrapper = dict(
    _delete_=True,
    constructor='SeparateOptimWrapperConstructor',
    peers=dict(each_child=True, optimizer={{_base_.optim_wrapper.optimizer}}))
val_evaluator = [
    dict(type='PerImageAP'),
    dict(type='mmpretrain.AveragePrecision'),
    dict(type='PeerMetric', metric=dict(type='PerImageAP'), num_peers=2),
]
test_evaluator = val_evaluator
# DML updates its peers in its own train_step: under a launcher, average
# gradients over processes instead of mmengine's DDP step
model_wrapper_cfg = dict(type='sskt.GradAllReduceWrapper')
