# Demo: SSKT with the digits 5-9 source (tools/demo.py trains it first into
# work_dirs/demo/source) and a linear auxiliary head on the pooled last stage.
_base_ = ['./r20_digits04_scratch.py']

model = dict(
    _delete_=True,
    type='SSKT',
    target=_base_.model,
    sources=dict(
        digits59=dict(
            type='FrozenSource',
            arch='resnet18',
            num_classes=5,
            checkpoint='work_dirs/demo/source/epoch_3.pth',
            checkpoint_prefix='net.',
            # the source was trained at 32 px with the same normalisation
            adapter=dict(
                type='SourceAdapter',
                scale_factor=1.0,
                mean=_base_.data_preprocessor.mean,
                std=_base_.data_preprocessor.std))),
    aux=dict(neck=dict(type='LastStagePooling')),
    alpha=1.0,
    T=1.0)
