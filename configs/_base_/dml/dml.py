# What a Deep Mutual Learning row adds to the scratch config it starts from.
#
# One optimizer wrapper per peer (`target` for peer 0, then `peers.0`,
# `peers.1`, ... for the others): the scratch config's optim_wrapper
# (optimizer, paramwise_cfg) is shared by every peer
# (SeparateOptimWrapperConstructor), so a row merges
# `optim_wrapper = _base_._dml_optim_wrapper` over it. Names with one leading
# underscore are config parts, dropped from the merged config by
# sskt.engine.load_config (configs/sskt/README.md, "How a row is written").
_dml_optim_wrapper = dict(
    constructor='SeparateOptimWrapperConstructor',
    target=dict(),
    peers=dict(each_child=True))

# Every peer is evaluated (`peer<i>/...`); peer 0 is the main number.
_dml_accuracy_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, 5)),
    dict(
        type='PeerMetric',
        metric=dict(type='mmpretrain.Accuracy', topk=(1, 5)),
        num_peers=2),
]
_dml_voc_evaluator = [
    dict(type='PerImageAP'),
    dict(type='mmpretrain.AveragePrecision'),
    dict(type='PeerMetric', metric=dict(type='PerImageAP'), num_peers=2),
]
_dml_video_val_evaluator = [
    dict(type='ClipAccuracy', topk=(1, 5)),
    dict(type='ValLoss'),
    dict(type='PeerMetric', metric=dict(type='ClipAccuracy'), num_peers=2),
]
_dml_video_test_evaluator = [
    dict(type='VideoAccuracy', topk=(1, 5)),
    dict(type='PeerMetric', metric=dict(type='VideoAccuracy'), num_peers=2),
]

# DML updates its peers in its own train_step: under a launcher, average
# gradients over processes instead of mmengine's DDP step
model_wrapper_cfg = dict(type='sskt.GradAllReduceWrapper')
