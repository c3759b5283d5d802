"""What frozen sources and teachers share: a network read from a local file."""
import logging
from typing import Dict

from mmengine.logging import print_log
from mmengine.model import BaseModule
from torch import Tensor

from sskt.utils.errors import ConfigError
from .checkpoint_formats import load_state_strictly, read_source_state_dict


class FrozenNetwork(BaseModule):
    """Base of a frozen network ``self.net`` loaded from ``self.checkpoint``.

    :meth:`init_weights` (called when training starts, never at build time)
    reads the local checkpoint (prefix ``self.checkpoint_prefix``), loads it
    strictly and freezes the network; with no checkpoint it is an error
    unless ``self.allow_random`` (tests only), which logs a warning.
    Subclasses set those attributes and say how messages name them.
    """

    def describe(self) -> str:
        """How messages name this network, e.g. ``FrozenSource(arch=...)``."""
        raise NotImplementedError

    def missing_checkpoint_hint(self) -> str:
        """One sentence on what to give as ``checkpoint``."""
        raise NotImplementedError

    def mismatch_message(self, problems: str, state: Dict[str, Tensor]) -> str:
        """The error for a checkpoint that does not fit the network.

        Args:
            problems (str): The missing/unexpected/mismatched keys report.
            state (dict[str, Tensor]): The checkpoint's state dict.
        """
        raise NotImplementedError

    def init_weights(self) -> None:
        """Load the checkpoint (strictly), or keep random weights if allowed.

        Nothing is downloaded. Raises :class:`MissingFileError` for a missing
        file, :class:`MalformedFileError` for a file that does not fit the
        network and :class:`ConfigError` when there is no checkpoint and
        ``allow_random`` is False.
        """
        if self.checkpoint is None:
            if not self.allow_random:
                raise ConfigError(
                    f'{self.describe()} has no checkpoint. '
                    f'{self.missing_checkpoint_hint()} allow_random=True '
                    'keeps random weights and is meant for tests only.')
            super().init_weights()
            print_log(
                f'{self.describe()} keeps RANDOM weights '
                '(allow_random=True): its logits teach nothing.',
                logger='current',
                level=logging.WARNING)
            return
        state = read_source_state_dict(self.checkpoint, self.checkpoint_prefix)
        load_state_strictly(
            self.net, state,
            lambda problems: self.mismatch_message(problems, state))
        self.net.requires_grad_(False)
        self._is_init = True
        print_log(
            f'{self.describe()} loaded {self.checkpoint}', logger='current')
