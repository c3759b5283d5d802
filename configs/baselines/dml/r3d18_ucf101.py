# Deep Mutual Learning: two 3D ResNet-18 peers from scratch
# on UCF-101 split 1, one optimizer each. Seed README, DML column
# (video-level top-1): 13.8. Peer 0 is the main number; every peer is
# logged (`peer<i>/...`).
_base_ = ['../scratch/r3d18_ucf101.py', '../../_base_/dml/dml.py']

model = dict(_delete_=True, type='DML', peer=_base_.model, num_peers=2)
optim_wrapper = _base_._dml_optim_wrapper
val_evaluator = _base_._dml_video_val_evaluator
test_evaluator = _base_._dml_video_test_evaluator
