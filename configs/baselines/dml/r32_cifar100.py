# Deep Mutual Learning: two ResNet-32 peers on CIFAR-100 trained
# together, each with its own optimizer (Zhang et al., CVPR 2018). Seed README,
# DML column: 71.9 +- 0.03; sskt reports peer 0 (`accuracy/top1`) and
# logs every peer (`peer<i>/...`). Synchronous updates (update='sequential' is
# the paper's); KL(batchmean) to the other peer, T = 1.
_base_ = ['../scratch/r32_cifar100.py']

model = dict(
    _delete_=True, type='DML', peer={{_base_.model}}, num_peers=2, T=1.0)
optim_wrapper = dict(
    _delete_=True,
    constructor='SeparateOptimWrapperConstructor',
    peers=dict(each_child=True, optimizer={{_base_.optim_wrapper.optimizer}}))
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, 5)),
    dict(
        type='PeerMetric',
        metric=dict(type='mmpretrain.Accuracy', topk=(1, 5)),
        num_peers=2),
]
test_evaluator = val_evaluator
# DML updates its peers in its own train_step: under a launcher, average
# gradients over processes instead of mmengine's DDP step
model_wrapper_cfg = dict(type='sskt.GradAllReduceWrapper')
