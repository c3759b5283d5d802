"""Deep Mutual Learning: K peers that learn from each other's predictions."""
import contextlib
import copy
import inspect
from typing import Dict, Iterator, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmpretrain.models.heads import MultiLabelClsHead

from sskt.evaluation.metrics.peer_metric import PRED_FIELDS
from sskt.registry import MODELS
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError
from .target_utils import classifier_logits, is_recognizer, loss_from_logits

#: The optim wrapper config that ``DML.train_step`` needs, for error messages.
OPTIM_WRAPPER_HINT = (
    "optim_wrapper = dict(constructor='SeparateOptimWrapperConstructor', "
    "peers=dict(each_child=True, optimizer=dict(type='SGD', lr=0.1, "
    'momentum=0.9, weight_decay=5e-4)))')


@MODELS.register_module()
class DML(BaseModel):
    """Deep Mutual Learning (Zhang et al., CVPR 2018).

    K peer classifiers train on the same batches, each with its own
    optimizer. Peer ``i`` minimises its task loss plus the mean KL from the
    **detached** predictions of the other peers::

        loss_i = CE_i + kl_weight * 1/(K-1) * sum_{j != i} KL(p_j || p_i)

    ``update='sync'`` (AberHu's and chxy95's code) forwards every peer once
    and updates all of them from those predictions; each peer's loss only
    reaches its own parameters, since the others' logits are detached (the
    missing detach is chxy95's issue #5). ``update='sequential'`` (the
    paper's Algorithm 1) updates the peers in order, peer ``i`` learning
    from the predictions of the peers already updated in this step. The
    refreshed predictions are computed without gradient and leave the
    batch-norm statistics untouched, so each peer's statistics move once per
    step in both modes.

    ``predict`` returns peer 0's samples with every peer's predictions
    attached as ``peer{i}_pred_score``/``peer{i}_pred_label`` (for
    :class:`PeerMetric`); ``tensor`` mode gives peer 0's logits. The peers
    are ``self.peers`` (``extract_target.py --prefix peers.0.`` exports
    one); training needs one optim wrapper per peer
    (:data:`OPTIM_WRAPPER_HINT`).

    Args:
        peer (dict, optional): One classifier config (e.g. an mmpretrain
            ``ImageClassifier`` with ``_scope_='mmpretrain'``), built
            ``num_peers`` times, each with its own random initialisation.
        peers (list[dict], optional): Explicit peer configs, possibly of
            different networks with the same classes. Give ``peer`` or
            ``peers``; with ``peers``, ``num_peers`` is not used.
        num_peers (int): Number of copies of ``peer``. Defaults to 2.
        kl_weight (float): Weight of the KL term. Defaults to 1.0.
        T (float): Temperature of the KL term. Defaults to 1.0.
        kl_loss (dict, optional): The KL loss config. Defaults to
            ``KDLoss(reduction='batchmean')`` for single-label heads and
            ``BinaryKDLoss`` for multi-label heads; a loss that takes ``T``
            gets this model's ``T`` unless it sets its own.
        update (str): ``'sync'`` or ``'sequential'``. Defaults to ``'sync'``.
        data_preprocessor (dict, optional): Put into every peer config that
            has none (the Runner passes a config's top-level
            ``data_preprocessor`` here); peer 0's serves the model.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 peer: Optional[dict] = None,
                 peers: Optional[List[dict]] = None,
                 num_peers: int = 2,
                 kl_weight: float = 1.0,
                 T: float = 1.0,
                 kl_loss: Optional[dict] = None,
                 update: str = 'sync',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        require_non_negative('model.kl_weight', kl_weight)
        require_positive('model.T', T)
        cfgs = _peer_configs(peer, peers, num_peers)
        if update not in ('sync', 'sequential'):
            raise ConfigError("DML update must be 'sync' or 'sequential', "
                              f'got {update!r}.')
        built = []
        for cfg in cfgs:
            cfg = copy.deepcopy(cfg)
            if data_preprocessor is not None:
                cfg.setdefault('data_preprocessor', data_preprocessor)
            built.append(MODELS.build(cfg))
        super().__init__(
            data_preprocessor=built[0].data_preprocessor, init_cfg=init_cfg)
        self.peers = nn.ModuleList(built)
        self.kl_weight = kl_weight
        self.T = T
        self.update = update
        self.kl_loss = self._build_kl_loss(kl_loss)

    def _build_kl_loss(self, cfg: Optional[dict]) -> nn.Module:
        """The given KL loss, or the one that fits the peers' heads."""
        heads = [
            peer.cls_head if is_recognizer(peer) else getattr(
                peer, 'head', None) for peer in self.peers
        ]
        if not all(
                hasattr(head, '_get_loss') or hasattr(head, 'loss_by_feat')
                for head in heads):
            raise ConfigError('DML peers must be mmpretrain classifiers or '
                              'mmaction recognizers (with `head` or '
                              '`cls_head`).')
        multi_label = {isinstance(head, MultiLabelClsHead) for head in heads}
        if len(multi_label) > 1:
            raise ConfigError('DML peers must all have single-label heads or '
                              'all multi-label heads.')
        if cfg is None:
            cfg = (
                dict(type='BinaryKDLoss') if multi_label.pop() else dict(
                    type='KDLoss', reduction='batchmean'))
        cfg = dict(cfg)
        loss_cls = MODELS.get(cfg['type'])
        if loss_cls is None:
            raise ConfigError(f'Unknown loss type {cfg["type"]!r} in '
                              'model.kl_loss.')
        if 'T' in inspect.signature(loss_cls).parameters:
            cfg.setdefault('T', self.T)
        return MODELS.build(cfg)

    # ------------------------------------------------------------ forward
    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        """The mmengine entry point: ``loss``, ``predict`` or ``tensor``."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.peers[0](inputs, data_samples, mode='tensor')
        raise ConfigError(f'Invalid mode {mode!r}: use loss, predict or '
                          'tensor.')

    def loss(self, inputs: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        """The losses of every peer from one forward of each (sync).

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            data_samples (list): The batch's data samples.

        Returns:
            dict[str, Tensor]: ``loss_ce_peer{i}``, ``loss_kl_peer{i}``
            (already multiplied by ``kl_weight``) and whatever else the
            heads log, suffixed ``_peer{i}``.
        """
        logits = [classifier_logits(peer, inputs) for peer in self.peers]
        losses = {}
        for i in range(len(self.peers)):
            losses.update(self.peer_losses(i, logits, data_samples))
        return losses

    def peer_losses(self, i: int, logits: Sequence[torch.Tensor],
                    data_samples: list) -> Dict[str, torch.Tensor]:
        """Peer ``i``'s task loss and its KL to the other peers (detached).

        Args:
            i (int): The peer.
            logits (Sequence[torch.Tensor]): The logits of every peer.
            data_samples (list): The batch's data samples.

        Returns:
            dict[str, Tensor]: ``loss_ce_peer{i}``, ``loss_kl_peer{i}`` and
            the head's other outputs (e.g. accuracy), suffixed ``_peer{i}``.
        """
        head_losses = loss_from_logits(self.peers[i], logits[i], data_samples)
        losses = {f'loss_ce_peer{i}': head_losses.pop('loss_cls')}
        losses.update({f'{k}_peer{i}': v for k, v in head_losses.items()})
        others = [x.detach() for j, x in enumerate(logits) if j != i]
        kl = sum(self.kl_loss(logits[i], x) for x in others) / len(others)
        losses[f'loss_kl_peer{i}'] = self.kl_weight * kl
        return losses

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None) -> list:
        """Peer 0's predictions, with every peer's attached.

        Args:
            inputs (torch.Tensor): The preprocessed batch.
            data_samples (list, optional): The batch's data samples.

        Returns:
            list[DataSample]: Peer 0's data samples, each with the fields
            ``peer{i}_pred_score`` (and ``peer{i}_pred_label``) of every
            peer ``i``.
        """
        results = self.peers[0].predict(inputs, copy.deepcopy(data_samples))
        for i, peer in enumerate(self.peers):
            predicted = results if i == 0 else peer.predict(
                inputs, copy.deepcopy(data_samples))
            for sample, pred in zip(results, predicted):
                for field in PRED_FIELDS:
                    if field in pred:
                        sample.set_field(pred.get(field), f'peer{i}_{field}')
        return results

    # ------------------------------------------------------------ training
    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """Update every peer with its own optim wrapper.

        Args:
            data (dict | tuple | list): A batch from the dataloader.
            optim_wrapper (OptimWrapperDict): Wrappers ``peers.0``…
                ``peers.{K-1}`` (see :data:`OPTIM_WRAPPER_HINT`).

        Returns:
            dict[str, Tensor]: ``loss`` (the sum) and every peer's losses.
        """
        wrappers = self._peer_wrappers(optim_wrapper)
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        logits = []
        for peer, wrapper in zip(self.peers, wrappers):
            with wrapper.optim_context(peer):
                logits.append(classifier_logits(peer, inputs))
        losses: Dict[str, torch.Tensor] = {}
        last = len(self.peers) - 1
        for i, (peer, wrapper) in enumerate(zip(self.peers, wrappers)):
            with wrapper.optim_context(peer):
                peer_losses = self.peer_losses(i, logits, data_samples)
            # the graphs of the peers are disjoint: one backward each
            wrapper.update_params(self.parse_losses(peer_losses)[0])
            losses.update(peer_losses)
            if self.update == 'sequential' and i < last:
                with torch.no_grad(), _kept_buffers(peer), \
                        wrapper.optim_context(peer):
                    logits[i] = classifier_logits(peer, inputs)
        return self.parse_losses(losses)[1]

    def _peer_wrappers(self,
                       optim_wrapper: OptimWrapper) -> List[OptimWrapper]:
        """The wrappers ``peers.0``… in order, or a ConfigError."""
        names = [f'peers.{i}' for i in range(len(self.peers))]
        if isinstance(optim_wrapper, OptimWrapperDict):
            found = f'wrappers {sorted(optim_wrapper.keys())}'
            if set(optim_wrapper.keys()) == set(names):
                return [optim_wrapper[name] for name in names]
        else:
            found = f'a single {type(optim_wrapper).__name__}'
        raise ConfigError(
            'DML trains each peer with its own optimizer and needs the optim '
            f'wrappers {names}; got {found}. Use {OPTIM_WRAPPER_HINT} in the '
            'config.')


def _peer_configs(peer: Optional[dict], peers: Optional[List[dict]],
                  num_peers: int) -> List[dict]:
    """The config of every peer, from ``peer`` x ``num_peers`` or ``peers``."""
    if (peer is None) == (peers is None):
        raise ConfigError('DML needs either `model.peer` (one classifier '
                          'config, copied `num_peers` times) or `model.peers` '
                          '(a list of classifier configs), not both.')
    cfgs = [peer] * num_peers if peers is None else list(peers)
    if len(cfgs) < 2:
        raise ConfigError(f'DML needs at least 2 peers, got {len(cfgs)}; set '
                          '`model.num_peers` (or list more `model.peers`).')
    return cfgs


@contextlib.contextmanager
def _kept_buffers(module: nn.Module) -> Iterator[None]:
    """Restore the module's buffers (batch-norm statistics) on exit."""
    saved = [(buf, buf.clone()) for buf in module.buffers()]
    try:
        yield
    finally:
        with torch.no_grad():
            for buf, value in saved:
                buf.copy_(value)
