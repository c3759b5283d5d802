"""Target backbones."""
from .cifar_resnet import CifarResNet
from .cifar_vgg import CifarVGG

__all__ = ['CifarResNet', 'CifarVGG']
