"""The validation loss, as a metric, for schedules that watch it."""
from typing import Any, Dict, List, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric

from sskt.registry import METRICS


def _field(sample: dict, *names: str) -> Optional[torch.Tensor]:
    """The first field present, unwrapping mmaction's ``{'item': ...}``."""
    for name in names:
        value = sample.get(name)
        if isinstance(value, dict):
            value = value.get('item')
        if value is not None:
            return torch.as_tensor(value)
    return None


@METRICS.register_module()
class ValLoss(BaseMetric):
    """Cross-entropy of the predicted class probabilities, over a split.

    mmengine's validation loop computes no loss, yet the original 3D SSKT
    code reduces its learning rate when the validation loss stops falling.
    This metric turns the predictions into that loss, reported as
    ``val_loss`` so that ``ReduceOnPlateauLR(monitor='val_loss')`` can watch
    it: ``mean_i -log p_i[y_i]`` with ``p_i`` the sample's predicted
    probabilities (mmpretrain's ``pred_score``, mmaction's ``pred_scores`` —
    for several clips the averaged softmax). A sample that also carries an
    ``aux_loss`` field (SSKT with ``aux_in_val_loss=True``, the original's
    validation loss with its auxiliary terms) adds it.

    Args:
        eps (float): Added to the probability before the log. Defaults to
            1e-12.
        collect_device (str): Device for collecting results across ranks.
            Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the key. Defaults to None.
    """
    default_prefix: Optional[str] = None

    def __init__(self,
                 eps: float = 1e-12,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.eps = eps

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Keep each sample's loss."""
        for sample in data_samples:
            probs = _field(sample, 'pred_score', 'pred_scores').float()
            label = int(_field(sample, 'gt_label', 'gt_labels').flatten()[0])
            loss = -torch.log(probs.flatten()[label] + self.eps).item()
            aux = sample.get('aux_loss')
            self.results.append(loss + (float(aux) if aux is not None else 0))

    def compute_metrics(self, results: List[float]) -> Dict[str, float]:
        """The mean over the samples."""
        return {'val_loss': sum(results) / len(results)}
