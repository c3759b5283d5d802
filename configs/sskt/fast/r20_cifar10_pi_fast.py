# r20_cifar10_pi on the GPU fast path (configs/_base_/fast/gpu_fast_path.py):
# bf16 sources, channels-last, one log sync per iteration, uint8 data with
# crop/flip/normalise on the device. Same method and schedule as r20_cifar10_pi.
_base_ = ['../r20_cifar10_pi.py', '../../_base_/fast/gpu_fast_path.py']

_fast = _base_._fast_source
model = dict(sources=dict(imagenet=_fast, places365=_fast))
data_preprocessor = _base_._fast_preprocessor
train_dataloader = _base_._fast_train_dataloader
custom_hooks = _base_.custom_hooks + _base_._fast_hooks
