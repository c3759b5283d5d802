"""Deep Mutual Learning: K peers that learn from each other's predictions."""
import contextlib
import copy
import re
from typing import Dict, Iterator, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper, OptimWrapperDict

from sskt.evaluation.metrics.peer_metric import PRED_FIELDS
from sskt.registry import MODELS
from sskt.utils.config_checks import require_non_negative, require_positive
from sskt.utils.errors import ConfigError
from .base_distiller import BaseDistiller
from .target_interface import ImageTarget, target_interface
from .target_utils import build_target, build_tempered_loss

#: The optim wrapper config that ``DML.train_step`` needs, for error messages.
OPTIM_WRAPPER_HINT = (
    "optim_wrapper = dict(constructor='SeparateOptimWrapperConstructor', "
    "optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4), "
    'target=dict(), peers=dict(each_child=True))')


@MODELS.register_module()
class DML(BaseDistiller):
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

    Peer 0 is ``self.target`` (what ``extract_target.py`` exports by
    default) and peers 1..K-1 are ``self.peers[0..K-2]``; a checkpoint of
    the former layout (``peers.0.*`` for peer 0) still loads
    (:func:`former_peer_keys`). ``predict`` returns peer 0's samples with
    every peer's predictions attached as ``peer{i}_pred_score``/
    ``peer{i}_pred_label`` (for :class:`PeerMetric`); ``tensor`` mode gives
    peer 0's logits. Training needs one optim wrapper per peer, named
    ``target``, ``peers.0``... (:data:`OPTIM_WRAPPER_HINT`).

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
        super().__init__(cfgs[0], data_preprocessor, init_cfg)
        self.peers = nn.ModuleList(
            [build_target(cfg, data_preprocessor) for cfg in cfgs[1:]])
        #: Every peer's interface, peer 0 (the target) first.
        self.peer_interfaces: List[ImageTarget] = [self.target_interface] + [
            target_interface(other) for other in self.peers
        ]
        self.kl_weight = kl_weight
        self.T = T
        self.update = update
        self.kl_loss = self._build_kl_loss(kl_loss)
        self._register_load_state_dict_pre_hook(former_peer_keys)

    def upgrade_checkpoint(self, checkpoint: dict) -> None:
        """Rename a former-layout checkpoint's optim wrappers, in place.

        The weights rename themselves (:func:`former_peer_keys`); the
        optimizer and scheduler states of a resumed run are keyed by wrapper
        name, which :class:`~sskt.engine.hooks.SafeCheckpointHook` has this
        method rename before the Runner reads them.

        Args:
            checkpoint (dict): A checkpoint as the Runner loaded it.
        """
        for key in ('optimizer', 'param_schedulers'):
            if key in checkpoint:
                checkpoint[key] = former_wrapper_names(checkpoint[key])

    @property
    def all_peers(self) -> List[nn.Module]:
        """Every peer in order: the target, then ``self.peers``."""
        return [self.target, *self.peers]

    @property
    def wrapper_names(self) -> List[str]:
        """The optim wrapper of each peer: ``target``, ``peers.0``..."""
        return ['target'] + [f'peers.{i}' for i in range(len(self.peers))]

    def _build_kl_loss(self, cfg: Optional[dict]) -> nn.Module:
        """The given KL loss, or the one that fits the peers' heads."""
        multi_label = {peer.multi_label for peer in self.peer_interfaces}
        if len(multi_label) > 1:
            raise ConfigError('DML peers must all have single-label heads or '
                              'all multi-label heads.')
        if cfg is None:
            cfg = (
                dict(type='BinaryKDLoss') if multi_label.pop() else dict(
                    type='KDLoss', reduction='batchmean'))
        return build_tempered_loss(cfg, self.T, 'model.kl_loss')

    # ------------------------------------------------------------ forward
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
        logits = [peer.logits_of(inputs) for peer in self.peer_interfaces]
        losses = {}
        for i in range(len(logits)):
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
        head_losses = self.peer_interfaces[i].loss(logits[i], data_samples)
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
        results = self.target.predict(inputs, copy.deepcopy(data_samples))
        for i, peer in enumerate(self.all_peers):
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
            optim_wrapper (OptimWrapperDict): Wrappers ``target``,
                ``peers.0``… ``peers.{K-2}`` (:data:`OPTIM_WRAPPER_HINT`).

        Returns:
            dict[str, Tensor]: ``loss`` (the sum) and every peer's losses.
        """
        wrappers = self._peer_wrappers(optim_wrapper)
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        peers = list(zip(self.all_peers, self.peer_interfaces, wrappers))
        logits = []
        for peer, interface, wrapper in peers:
            with wrapper.optim_context(peer):
                logits.append(interface.logits_of(inputs))
        losses: Dict[str, torch.Tensor] = {}
        last = len(peers) - 1
        for i, (peer, interface, wrapper) in enumerate(peers):
            with wrapper.optim_context(peer):
                peer_losses = self.peer_losses(i, logits, data_samples)
            # the graphs of the peers are disjoint: one backward each
            wrapper.update_params(self.parse_losses(peer_losses)[0])
            losses.update(peer_losses)
            if self.update == 'sequential' and i < last:
                with torch.no_grad(), _kept_buffers(peer), \
                        wrapper.optim_context(peer):
                    logits[i] = interface.logits_of(inputs)
        return self.parse_losses(losses)[1]

    def _peer_wrappers(self,
                       optim_wrapper: OptimWrapper) -> List[OptimWrapper]:
        """The wrappers ``target``, ``peers.0``… in order, or a ConfigError."""
        names = self.wrapper_names
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


_FORMER_PEER = re.compile(r'peers\.(\d+)\.(.*)')


def former_peer_keys(state_dict: dict, prefix: str, *args) -> None:
    """Let a checkpoint of the former DML layout load, renaming in place.

    DML used to hold all K peers in ``peers``; peer 0 is now ``target`` and
    peer ``i`` is ``peers.(i-1)``. A state dict with ``peers.*`` keys and no
    ``target.*`` key is of the former layout: ``peers.0.*`` becomes
    ``target.*`` and ``peers.N.*`` becomes ``peers.(N-1).*``. Register it
    with ``_register_load_state_dict_pre_hook``.
    """
    keys = [k for k in state_dict if k.startswith(prefix)]
    if any(k.startswith(prefix + 'target.') for k in keys):
        return
    renamed = {}
    for key in keys:
        match = _FORMER_PEER.fullmatch(key[len(prefix):])
        if match:
            index, rest = int(match.group(1)), match.group(2)
            new = 'target.' if index == 0 else f'peers.{index - 1}.'
            renamed[key] = prefix + new + rest
    values = {old: state_dict.pop(old) for old in renamed}
    for old, new in renamed.items():
        state_dict[new] = values[old]


def former_wrapper_names(states):
    """Per-wrapper states keyed by the former names, renamed for today's.

    The former layout named peer ``i``'s optim wrapper ``peers.i``; peer 0's
    is now ``target`` and peer ``i``'s ``peers.(i-1)``. States that already
    have a ``target`` entry, or are not a dict of wrapper names, come back
    unchanged.

    Args:
        states: ``checkpoint['optimizer']`` or
            ``checkpoint['param_schedulers']``.

    Returns:
        The states under today's wrapper names.
    """
    if not isinstance(states, dict) or 'target' in states or not any(
            _FORMER_WRAPPER.fullmatch(str(name)) for name in states):
        return states
    renamed = {}
    for name, state in states.items():
        match = _FORMER_WRAPPER.fullmatch(str(name))
        index = int(match.group(1)) if match else None
        if index is None:
            renamed[name] = state
        else:
            renamed['target' if index == 0 else f'peers.{index - 1}'] = state
    return renamed


_FORMER_WRAPPER = re.compile(r'peers\.(\d+)')
