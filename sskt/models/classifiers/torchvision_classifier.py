"""Train a torchvision classification network with the mmengine Runner."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError
from ..sources.frozen_source import build_torchvision_classifier


@MODELS.register_module()
class TorchvisionClassifier(BaseModel):
    """A torchvision network (``torchvision.models.<arch>``) as a classifier.

    For training a network that later serves as a :class:`FrozenSource`: its
    checkpoint keeps the network under ``net.``, so the source reads it with
    ``checkpoint_prefix='net.'`` and the same ``arch``/``num_classes``. The
    loss is cross-entropy; predictions are mmpretrain ``DataSample``s, so
    mmpretrain's metrics and the usual configs apply. Nothing is downloaded
    (random initialisation).

    Args:
        arch (str): torchvision builder name, e.g. ``'resnet18'``.
        num_classes (int): Number of classes.
        data_preprocessor (dict, optional): Defaults to mmpretrain's
            ``ClsDataPreprocessor`` with the given settings (the Runner
            passes a config's top-level ``data_preprocessor``).
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 arch: str,
                 num_classes: int,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        data_preprocessor = dict(data_preprocessor or {})
        data_preprocessor.setdefault('type', 'mmpretrain.ClsDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.arch = arch
        self.num_classes = num_classes
        self.net = build_torchvision_classifier(arch, num_classes)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """``tensor``: logits; ``loss``: cross-entropy; ``predict``."""
        logits = self.net(inputs)
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            labels = torch.cat([s.gt_label for s in data_samples])
            return {'loss': F.cross_entropy(logits, labels)}
        if mode == 'predict':
            return self._predictions(logits, data_samples)
        raise ConfigError(f'Invalid mode {mode!r}: use tensor, loss or '
                          'predict.')

    @staticmethod
    def _predictions(
            logits: torch.Tensor,
            data_samples: Optional[List[DataSample]]) -> List[DataSample]:
        """Data samples with the predicted scores and labels."""
        scores = F.softmax(logits, dim=1)
        samples = data_samples or [DataSample() for _ in range(len(logits))]
        for sample, score in zip(samples, scores):
            sample.set_pred_score(score).set_pred_label(score.argmax())
        return samples

    def extra_repr(self) -> str:
        return f'arch={self.arch}, num_classes={self.num_classes}'
