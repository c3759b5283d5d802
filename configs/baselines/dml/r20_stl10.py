# Deep Mutual Learning: two ResNet-20 peers on STL-10 trained
# together, each with its own optimizer (Zhang et al., CVPR 2018). Seed README,
# DML column: 78.23 +- 1.23; sskt reports peer 0 (`accuracy/top1`) and
# logs every peer (`peer<i>/...`). Synchronous updates (update='sequential' is
# the paper's); KL(batchmean) to the other peer, T = 1.
_base_ = ['../scratch/r20_stl10.py', '../../_base_/dml/dml.py']

model = dict(_delete_=True, type='DML', peer=_base_.model, num_peers=2, T=1.0)
optim_wrapper = _base_._dml_optim_wrapper
val_evaluator = _base_._dml_accuracy_evaluator
test_evaluator = val_evaluator
