"""Evaluate any metric once per peer of a DML model."""
from typing import Any, List, Optional, Sequence

from mmengine.evaluator import BaseMetric

from sskt.registry import METRICS
from sskt.utils.errors import ConfigError

#: The prediction fields a peer's copy of a data sample takes over
#: (mmpretrain's names, then mmaction's).
PRED_FIELDS = ('pred_score', 'pred_label', 'pred_scores', 'pred_labels')


@METRICS.register_module()
class PeerMetric(BaseMetric):
    """Run a wrapped metric on the predictions of every peer.

    :class:`~sskt.models.DML` returns peer 0's data samples with every
    peer's predictions attached as ``peer{i}_pred_score`` (and
    ``peer{i}_pred_label``). For each peer ``i`` this metric gives its own
    instance of the wrapped metric copies of the samples whose
    ``pred_score``/``pred_label`` are peer ``i``'s, and reports the results
    as ``peer{i}/<key>``, e.g. ``peer1/accuracy/top1``::

        val_evaluator = [
            dict(type='mmpretrain.Accuracy', topk=(1, )),  # peer 0
            dict(type='PeerMetric', num_peers=2,
                 metric=dict(type='mmpretrain.Accuracy', topk=(1, ))),
        ]

    Args:
        metric (dict): Config of the wrapped metric, built in the current
            default scope (name other packages' metrics with their scope,
            e.g. ``'mmpretrain.AveragePrecision'``).
        num_peers (int): Number of peers to evaluate. Defaults to 2.
        prefix (str, optional): Put before ``peer{i}/`` in the keys.
            Defaults to None.
        collect_device (str): Device used to collect results across ranks,
            ``'cpu'`` or ``'gpu'``; the wrapped metrics get it unless their
            config sets one. Defaults to ``'cpu'``.
    """

    #: No prefix by default: the keys already start with ``peer{i}/``.
    default_prefix = ''

    def __init__(self,
                 metric: dict,
                 num_peers: int = 2,
                 prefix: Optional[str] = None,
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not isinstance(metric, dict) or 'type' not in metric:
            raise ConfigError('PeerMetric.metric must be a metric config '
                              "such as dict(type='mmpretrain.Accuracy'), got "
                              f'{metric!r}.')
        if num_peers < 1:
            raise ConfigError(
                f'PeerMetric.num_peers must be >= 1, got {num_peers}.')
        self.num_peers = num_peers
        self.metrics: List[BaseMetric] = []
        for _ in range(num_peers):
            cfg = dict(metric)
            cfg.setdefault('collect_device', collect_device)
            self.metrics.append(METRICS.build(cfg))

    @BaseMetric.dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        """Set the dataset meta of this metric and every wrapped one."""
        self._dataset_meta = dataset_meta
        for metric in self.metrics:
            metric.dataset_meta = dataset_meta

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Give each peer's metric the samples with that peer's predictions.

        Args:
            data_batch (Any): The batch from the dataloader, passed on.
            data_samples (Sequence[dict]): Model outputs as dicts, with
                ``peer{i}_pred_score`` (and ``peer{i}_pred_label``).
        """
        for i, metric in enumerate(self.metrics):
            metric.process(data_batch,
                           [_peer_sample(s, i) for s in data_samples])

    def compute_metrics(self, results: list) -> dict:
        """Not used: :meth:`evaluate` asks the wrapped metrics."""
        raise NotImplementedError

    def evaluate(self, size: int) -> dict:
        """Evaluate every peer's metric.

        Args:
            size (int): Length of the whole evaluated dataset.

        Returns:
            dict: ``{'[<prefix>/]peer{i}/<key>': value}`` of every peer.
        """
        results = {}
        for i, metric in enumerate(self.metrics):
            for key, value in metric.evaluate(size).items():
                name = '/'.join(p for p in (self.prefix, f'peer{i}', key) if p)
                results[name] = value
        return results


def _peer_sample(sample: dict, i: int) -> dict:
    """A shallow copy of ``sample`` whose predictions are peer ``i``'s."""
    if not any(f'peer{i}_{field}' in sample for field in PRED_FIELDS):
        raise ConfigError(
            f'PeerMetric found no peer{i}_pred_score or peer{i}_pred_label '
            'in the model outputs '
            f'(keys: {sorted(sample)}); it evaluates DML models, and its '
            'num_peers must not exceed the model\'s.')
    sample = dict(sample)
    for field in PRED_FIELDS:
        sample.pop(field, None)
        if f'peer{i}_{field}' in sample:
            sample[field] = sample[f'peer{i}_{field}']
    return sample
