# Demo: two ResNet-20 peers trained together with Deep Mutual Learning
# (peer 0 is reported).
_base_ = ['./r20_digits04_scratch.py']

model = dict(_delete_=True, type='DML', peer=_base_.model, num_peers=2)
# one optimizer per peer, each the schedule's SGD
optim_wrapper = dict(
    constructor='SeparateOptimWrapperConstructor',
    target=dict(),
    peers=dict(each_child=True))
