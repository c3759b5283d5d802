# Pascal VOC2007 trainval -> test, from scratch: the ImageNet step schedule
# (SGD lr 0.1, momentum 0.9, weight decay 1e-4, x0.1 at 30/60/90, 100 epochs)
# at batch 64. Fine-tuning from ImageNet weights uses lr 0.01:
#   --cfg-options optim_wrapper.optimizer.lr=0.01
_base_ = './imagenet_bs256_100e.py'

auto_scale_lr = dict(base_batch_size=64)
