# Deep Mutual Learning: two 3D ResNet-18 peers fine-tuned from Kinetics-400
# on UCF-101 split 1, one optimizer each. Seed README, DML column
# (video-level top-1): 83.95. Peer 0 is the main number; every peer is
# logged (`peer<i>/...`).
_base_ = ['../scratch/r3d18_ucf101_ft.py']

model = dict(_delete_=True, type='DML', peer={{_base_.model}}, num_peers=2)
optim_wrapper = dict(
    _delete_=True,
    constructor='SeparateOptimWrapperConstructor',
    paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}},
    peers=dict(each_child=True, optimizer={{_base_.optim_wrapper.optimizer}}))
val_evaluator = [
    dict(type='ClipAccuracy', topk=(1, 5)),
    dict(type='ValLoss'),
    dict(type='PeerMetric', metric=dict(type='ClipAccuracy'), num_peers=2),
]
test_evaluator = [
    dict(type='VideoAccuracy', topk=(1, 5)),
    dict(type='PeerMetric', metric=dict(type='VideoAccuracy'), num_peers=2),
]
model_wrapper_cfg = dict(type='sskt.GradAllReduceWrapper')
