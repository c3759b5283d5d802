"""Target backbones."""
from .cifar_resnet import CifarResNet
from .cifar_vgg import CifarVGG
from .resnet3d_hara import HaraResNet3d

__all__ = ['CifarResNet', 'CifarVGG', 'HaraResNet3d']
