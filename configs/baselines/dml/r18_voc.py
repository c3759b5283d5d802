# Deep Mutual Learning: two ResNet-18 peers on VOC2007 trained together, each
# with its own optimizer (Zhang et al., CVPR 2018). Seed README, DML column:
# 39.89 +- 0.07; sskt reports peer 0 (`multi-label/per_image_AP`) and logs
# every peer (`peer<i>/...`). Synchronous updates (update='sequential' is the
# paper's); per-class binary KL between peers (multi-label).
_base_ = ['../scratch/r18_voc.py', '../../_base_/dml/dml.py']

model = dict(_delete_=True, type='DML', peer=_base_.model, num_peers=2, T=1.0)
optim_wrapper = _base_._dml_optim_wrapper
val_evaluator = _base_._dml_voc_evaluator
test_evaluator = val_evaluator
