# The auxiliary-branch parts that row configs pick from (model.aux.neck /
# model.aux.loss). Names starting with one underscore are config parts:
# building blocks that rows use as `_base_._aux_tm` and that
# sskt.engine.load_config drops from the merged config (configs/sskt/README.md,
# "How a row is written").

# transfer module with the original CIFAR-ResNet widths: the last stage's
# width, half of it inside each branch
_aux_tm = dict(type='TransferModule')
# transfer module of the original ImageNet-style ResNets: 1000 wide, 500
# inside, Kaiming (fan_out) init of the branch convs
_aux_tm_imagenet = dict(
    type='TransferModule',
    out_channels=1000,
    mid_channels=500,
    init_cfg=dict(type='Kaiming', layer='Conv2d', mode='fan_out'))
# no transfer module: a linear head on the pooled last stage
_aux_no_tm = dict(type='LastStagePooling')

# the original 'ce' auxiliary loss: T^2 * soft-target cross-entropy
_aux_ce = dict(type='SoftTargetCELoss')
# the original 'kd' auxiliary loss: the element-mean KL, 1/K of the textbook
# batchmean KD. The paper's "KD" rows were produced with it.
_aux_kd_elementmean = dict(type='KDLoss', reduction='mean')

# the same for 3D targets (3D convolutions and pooling)
_aux_tm_3d = dict(
    type='TransferModule', out_channels=1000, mid_channels=500, dims=3)
_aux_no_tm_3d = dict(type='LastStagePooling', dims=3)
