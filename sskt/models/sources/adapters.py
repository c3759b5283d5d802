"""The input function f_s: what a source sees of the target's batch.

The target's data preprocessor normalises the batch with the *target's*
mean/std. A source was trained with its own normalisation and often at a
larger resolution, so :class:`SourceAdapter` maps the batch to the source's
input space: optionally the centre frame of a clip, then re-normalisation,
then resizing (by a factor, ×7/3 as the original code, or to a fixed size).
"""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from sskt.registry import MODELS
from sskt.utils.errors import ConfigError

Normalization = Optional[Union[Sequence[float], Tensor]]

_MODES = ('nearest', 'nearest-exact', 'bilinear', 'bicubic', 'area')
_FRAMES = (None, 'centre', 'center')


def _as_channel_tensor(values: Normalization, name: str,
                       default: float) -> Tensor:
    """Turn a mean/std given as a sequence or a tensor into a 1×C×1×1 tensor.

    ``None`` means "not normalised": ``default`` (0 for mean, 1 for std) for
    each of 3 channels.
    """
    if values is None:
        values = (default, ) * 3
    tensor = torch.as_tensor(
        values, dtype=torch.float32, device='cpu').detach().flatten()
    if tensor.numel() == 0:
        raise ConfigError(f'{name} must hold one value per channel, got '
                          f'{values!r}')
    if name.endswith('std') and bool((tensor <= 0).any()):
        raise ConfigError(f'{name} must be positive, got {tensor.tolist()}')
    return tensor.view(1, -1, 1, 1)


@MODELS.register_module()
class SourceAdapter(nn.Module):
    """Map the target's input batch to a source network's input space.

    Steps, in order: take the centre frame of a clip (``frame='centre'``),
    re-normalise from the target's mean/std to the source's
    (``renormalize=True``), resize to ``size`` or by ``scale_factor``.
    Re-normalisation is a per-channel affine map, so it commutes with the
    interpolation; doing it first is cheaper when upsampling.

    Args:
        scale_factor (float, optional): Resize factor, used when ``size`` is
            None. None or 1.0 means no resize. Defaults to 7/3, the original
            code's factor (32→74 px, 96→224 px).
        size (int | tuple[int, int], optional): Output size ``(h, w)``; takes
            precedence over ``scale_factor``. Defaults to None.
        mode (str): Interpolation mode of ``F.interpolate``. Defaults to
            ``'bilinear'``.
        renormalize (bool): Map ``x -> (x * std_t + mean_t - mean_s) /
            std_s``. False passes the target's normalisation through, as the
            original code did. Defaults to True.
        mean (Sequence[float]): The source's mean, 0-255 scale. Defaults to
            ImageNet's (also used by the CSAIL Places365 models).
        std (Sequence[float]): The source's std, 0-255 scale. Defaults to
            ImageNet's.
        frame (str, optional): ``'centre'`` takes frame ``T // 2`` of a
            ``B×C×T×H×W`` clip; None expects ``B×C×H×W`` images. Defaults to
            None.
    """

    def __init__(self,
                 scale_factor: Optional[float] = 7 / 3,
                 size: Optional[Union[int, Tuple[int, int]]] = None,
                 mode: str = 'bilinear',
                 renormalize: bool = True,
                 mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375),
                 frame: Optional[str] = None) -> None:
        super().__init__()
        if mode not in _MODES:
            raise ConfigError(f'SourceAdapter mode must be one of {_MODES}, '
                              f'got {mode!r}')
        if frame not in _FRAMES:
            raise ConfigError("SourceAdapter frame must be None or 'centre', "
                              f'got {frame!r}')
        if scale_factor is not None and not scale_factor > 0:
            raise ConfigError('SourceAdapter scale_factor must be positive or '
                              f'None, got {scale_factor!r}')
        if isinstance(size, int):
            size = (size, size)
        if size is not None and (len(size) != 2 or min(size) <= 0):
            raise ConfigError('SourceAdapter size must be a positive int or '
                              f'(h, w), got {size!r}')
        self.size = tuple(size) if size is not None else None
        self.scale_factor = scale_factor
        self.mode = mode
        self.renormalize = renormalize
        self.frame = frame
        self.register_buffer(
            'mean', _as_channel_tensor(mean, 'mean', 0.), persistent=False)
        self.register_buffer(
            'std', _as_channel_tensor(std, 'std', 1.), persistent=False)
        if self.mean.shape != self.std.shape:
            raise ConfigError('SourceAdapter mean and std must have the same '
                              f'length, got {mean!r} and {std!r}')
        self.register_buffer('target_mean', None, persistent=False)
        self.register_buffer('target_std', None, persistent=False)

    def set_target_normalization(self, mean: Normalization,
                                 std: Normalization) -> None:
        """Tell the adapter how the target's batch is normalised.

        Args:
            mean (Sequence[float] | Tensor | None): The target data
                preprocessor's mean, 0-255 scale; any shape with one value
                per channel (e.g. its ``(C, 1, 1)`` buffer). None: not
                mean-subtracted.
            std (Sequence[float] | Tensor | None): Its std, likewise. None:
                not divided.
        """
        target_mean = _as_channel_tensor(mean, 'target mean', 0.)
        target_std = _as_channel_tensor(std, 'target std', 1.)
        if target_mean.shape != target_std.shape:
            raise ConfigError('The target mean and std must have the same '
                              f'length, got {mean!r} and {std!r}')
        self.target_mean = target_mean.to(self.mean.device)
        self.target_std = target_std.to(self.mean.device)

    def _select_frame(self, x: Tensor) -> Tensor:
        """Return the centre frame of a clip, or check that ``x`` is 4-D."""
        if self.frame is not None:
            if x.dim() != 5:
                raise ConfigError(
                    f"SourceAdapter(frame='{self.frame}') expects B×C×T×H×W "
                    f'clips, got shape {tuple(x.shape)}. Set frame=None for '
                    'images.')
            return x[:, :, x.shape[2] // 2]
        if x.dim() != 4:
            raise ConfigError(
                'SourceAdapter expects B×C×H×W images, got shape '
                f"{tuple(x.shape)}. For B×C×T×H×W clips set frame='centre'.")
        return x

    def _renormalize(self, x: Tensor) -> Tensor:
        """Map ``x`` from the target's normalisation to the source's."""
        if self.target_mean is None:
            raise ConfigError(
                'SourceAdapter(renormalize=True) was not told the target '
                'normalisation: the distiller must call '
                'set_target_normalization(mean, std) with the target data '
                "preprocessor's mean/std, or set renormalize=False to pass "
                "the target's normalisation through as the original code did.")
        if (torch.equal(self.target_mean, self.mean)
                and torch.equal(self.target_std, self.std)):
            return x
        return (x * self.target_std + self.target_mean - self.mean) / self.std

    def _resize(self, x: Tensor) -> Tensor:
        """Resize to ``size`` or by ``scale_factor`` (no-op for None / 1)."""
        align = False if self.mode in ('bilinear', 'bicubic') else None
        if self.size is not None:
            if tuple(x.shape[-2:]) == self.size:
                return x
            return F.interpolate(
                x, size=self.size, mode=self.mode, align_corners=align)
        if self.scale_factor is None or self.scale_factor == 1:
            return x
        return F.interpolate(
            x,
            scale_factor=self.scale_factor,
            mode=self.mode,
            align_corners=align)

    def forward(self, x: Tensor) -> Tensor:
        """Adapt a batch.

        Args:
            x (Tensor): ``B×C×H×W`` images (``B×C×T×H×W`` clips with
                ``frame='centre'``) as the target sees them.

        Returns:
            Tensor: ``B×C×H'×W'`` images as the source should see them.
        """
        x = self._select_frame(x)
        if not x.is_floating_point():
            x = x.float()
        if self.renormalize:
            x = self._renormalize(x)
        return self._resize(x)

    def extra_repr(self) -> str:
        resize = (f'size={self.size}'
                  if self.size is not None else f'scale_factor='
                  f'{self.scale_factor}')
        return (f'{resize}, mode={self.mode}, renormalize={self.renormalize}'
                f', frame={self.frame}')
