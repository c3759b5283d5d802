# The run the kill tests interrupt: r20_digits whose validation draws random
# numbers (a random flip), so a replayed validation equals the interrupted
# one only if it starts from the random state saved with the checkpoint.
_base_ = ['../../configs/baselines/scratch/r20_digits.py']

val_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='mmpretrain.PackInputs'),
    ]))
# val_loss moves with every input even where the tiny model's top-1 does not
val_evaluator = [
    dict(type='mmpretrain.Accuracy', topk=(1, )),
    dict(type='ValLoss'),
]
