# The SSKT model every row in configs/sskt/ starts from. A row lists its
# scratch baseline, one sources*.py and this file as bases, and writes
#   model = dict(_base_._sskt, target=_base_.model, sources=_base_._sources)
# plus what it changes (configs/sskt/README.md, "How a row is written").
# `_delete_=True` replaces the scratch model by SSKT; the parts (names with
# one leading underscore) are dropped from the merged config by
# sskt.engine.load_config.
_base_ = './aux.py'

# 2D targets: a transfer module and the soft-target CE per source,
# alpha=1, T=1 (what the paper's headline numbers match; docs/method.md,
# "Per-row settings")
_sskt = dict(
    _delete_=True,
    type='SSKT',
    aux=dict(neck=_base_._aux_tm, loss=_base_._aux_ce),
    alpha=1.0,
    T=1.0)
# 3D targets: the 3D transfer module, a probe clip for the branch shapes, and
# SSKT's own alpha=1, T=1 (the original 3D code has neither; docs/method.md,
# "Video targets")
_sskt_3d = dict(
    _delete_=True,
    type='SSKT',
    aux=dict(neck=_base_._aux_tm_3d, loss=_base_._aux_ce),
    probe_input_shape=(3, 16, 64, 64))
# The original code's README command (docs/method.md, "Faithful mode"): the
# 'kd' auxiliary loss (element-mean KL), alpha=0.1, T=3
_sskt_faithful = dict(
    _sskt,
    aux=dict(neck=_base_._aux_tm, loss=_base_._aux_kd_elementmean),
    alpha=0.1,
    T=3.0)
# The original 3D code (docs/method.md, "Faithful mode"): the plateau
# schedule watches the validation loss with its auxiliary terms
_sskt_3d_faithful = dict(_sskt_3d, aux_in_val_loss=True)
