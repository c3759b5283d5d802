"""Augment uint8 image batches on the device: crop, flip, then normalise.

The per-sample pipeline of CIFAR and STL-10 (``RandomCrop(padding)``,
``RandomFlip``, float conversion, normalisation) runs in the data loader's
worker processes, one image at a time, and ships float32 batches. On a GPU
that is fast enough for a large target but not for a ResNet-20, which trains
at thousands of images a second. Here the loader only packs uint8 images (4×
fewer bytes to pin and copy), and the same augmentation runs as a handful of
batch operations on the device.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models.utils.data_preprocessor import ClsDataPreprocessor
from torch import Tensor

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError


def draw_augmentation(batch: int, padding: int, flip_prob: float,
                      device: torch.device) -> Tuple[Tensor, Tensor]:
    """Random crop offsets (``B×2``, in ``0..2*padding``) and flips (``B``).

    Args:
        batch (int): Number of images.
        padding (int): Zero padding of the crop.
        flip_prob (float): Probability of a horizontal flip.
        device (torch.device): Where to draw them.

    Returns:
        tuple[Tensor, Tensor]: ``offsets`` (long) and ``flips`` (bool).
    """
    offsets = torch.randint(0, 2 * padding + 1, (batch, 2), device=device)
    flips = torch.rand(batch, device=device) < flip_prob
    return offsets, flips


def random_crop_flip(images: Tensor,
                     padding: int,
                     flip_prob: float = 0.5,
                     offsets: Optional[Tensor] = None,
                     flips: Optional[Tensor] = None) -> Tensor:
    """Zero-pad, crop back to the input size at random offsets, and flip.

    The batch version of mmpretrain's ``RandomCrop(crop_size=H,
    padding=padding)`` followed by ``RandomFlip(prob=flip_prob,
    direction='horizontal')``: each image gets its own offsets, uniform in
    ``0..2*padding`` for rows and columns, and its own flip.

    Args:
        images (Tensor): ``B×C×H×W``, any dtype (uint8 stays uint8).
        padding (int): Zero padding on every side.
        flip_prob (float): Probability of a horizontal flip. Defaults to 0.5.
        offsets (Tensor, optional): ``B×2`` (row, column) offsets into the
            padded image; drawn when None (tests pass their own).
        flips (Tensor, optional): ``B`` booleans; drawn when None.

    Returns:
        Tensor: ``B×C×H×W`` crops, same dtype and device.
    """
    batch, channels, height, width = images.shape
    device = images.device
    if offsets is None:
        offsets = torch.randint(0, 2 * padding + 1, (batch, 2), device=device)
    if flips is None:
        flips = torch.rand(batch, device=device) < flip_prob
    padded = F.pad(images, (padding, ) * 4) if padding else images
    rows = offsets[:, 0, None] + torch.arange(height, device=device)
    cols = offsets[:, 1, None] + torch.arange(width, device=device)
    # a flipped image reads its columns right to left
    cols = torch.where(flips[:, None], cols.flip(1), cols)
    index_b = torch.arange(batch, device=device)[:, None, None, None]
    index_c = torch.arange(channels, device=device)[None, :, None, None]
    return padded[index_b, index_c, rows[:, None, :, None], cols[:, None,
                                                                 None, :]]


@MODELS.register_module()
class BatchAugmentClsDataPreprocessor(ClsDataPreprocessor):
    """mmpretrain's classifier preprocessor with crop and flip on the device.

    Give the dataset a pipeline of ``PackInputs`` only (images stay uint8)
    and, for one copy per batch, ``collate_fn=dict(type='default_collate')``.
    In training the batch is moved to the device, cropped and flipped by
    :func:`random_crop_flip`, then converted and normalised as usual; in
    validation and test it is only converted and normalised. The parameters
    of the last training batch are kept in :attr:`last_augmentation`, and a
    caller may give its own (SSKT's soft-label cache replays them).

    Args:
        padding (int): Zero padding of the random crop (4 for CIFAR and
            STL-10, as in the original). Defaults to 4.
        flip_prob (float): Horizontal flip probability. Defaults to 0.5.
        channels_last (bool): Return the batch in channels-last memory
            format (:class:`~sskt.engine.hooks.ChannelsLastHook` does it
            for every preprocessor). Defaults to
            False.
        **kwargs: :class:`ClsDataPreprocessor` arguments (``mean``, ``std``,
            ``num_classes``, ...).
    """

    def __init__(self,
                 padding: int = 4,
                 flip_prob: float = 0.5,
                 channels_last: bool = False,
                 **kwargs) -> None:
        if padding < 0 or not 0 <= flip_prob <= 1:
            raise ConfigError(
                'BatchAugmentClsDataPreprocessor needs padding >= 0 and '
                f'0 <= flip_prob <= 1, got padding={padding}, '
                f'flip_prob={flip_prob}')
        super().__init__(**kwargs)
        self.padding = padding
        self.flip_prob = flip_prob
        self.channels_last = channels_last
        self.last_augmentation: Optional[Tuple[Tensor, Tensor]] = None

    def forward(self,
                data: dict,
                training: bool = False,
                augmentation: Optional[Tuple[Tensor, Tensor]] = None) -> dict:
        """Move, augment (training only), convert and normalise a batch.

        Args:
            data (dict): ``inputs`` (a ``B×C×H×W`` tensor or a list of
                equal-sized ``C×H×W`` tensors) and ``data_samples``.
            training (bool): Whether to augment.
            augmentation (tuple[Tensor, Tensor], optional): ``(offsets,
                flips)`` to apply instead of random ones (training only).

        Returns:
            dict: ``inputs`` (float, normalised) and ``data_samples``.
        """
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            inputs = torch.stack(list(inputs))
        inputs = inputs.to(self.device, non_blocking=True)
        if training:
            if augmentation is None:
                augmentation = draw_augmentation(
                    len(inputs), self.padding, self.flip_prob, inputs.device)
            self.last_augmentation = augmentation
            inputs = random_crop_flip(inputs, self.padding, self.flip_prob,
                                      *augmentation)
        out = super().forward(dict(data, inputs=inputs), training)
        if self.channels_last:
            out['inputs'] = out['inputs'].contiguous(
                memory_format=torch.channels_last)
        return out
