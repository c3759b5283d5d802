# r20_cifar10_pi on the GPU fast path (configs/_base_/fast/gpu_fast_path.py):
# bf16 sources, channels-last, one log sync per iteration, uint8 data with
# crop/flip/normalise on the device. Same method and schedule as
# r20_cifar10_pi.
_base_ = ['../r20_cifar10_pi.py', '../../_base_/fast/gpu_fast_path.py']

model = dict(
    sources=dict(
        imagenet={{_base_.fast_source}}, places365={{_base_.fast_source}}),
    channels_last=True,
    batched_log_sync=True)
data_preprocessor = {{_base_.fast_preprocessor}}
train_dataloader = {{_base_.fast_train_dataloader}}
