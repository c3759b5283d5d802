"""Let ``torch.load(weights_only=True)`` read mmengine checkpoints.

Since torch 2.6, ``torch.load`` refuses every global that is not on an
allow-list, and mmengine 0.10.7 checkpoints hold a few: the message hub's
``HistoryBuffer`` objects and the numpy arrays and scalars inside them. We add
exactly those — never a blanket ``weights_only=False``, which would let a
crafted checkpoint run arbitrary code.

``HistoryBuffer`` pickles its statistics methods as
``getattr(HistoryBuffer, 'min')``. Allow-listing the real ``builtins.getattr``
would let a crafted file reach any attribute of any allowed object, so a
restricted function is registered under that name instead: it resolves public
attributes of ``HistoryBuffer`` and refuses everything else.
"""
import pickle
from typing import Any, List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

#: numpy dtype classes a checkpoint may carry: float64/int64 come from
#: HistoryBuffer; the others appear when a hook logs other numpy scalars.
_NUMPY_DTYPE_CLASSES = [
    np.dtypes.Float16DType, np.dtypes.Float32DType, np.dtypes.Float64DType,
    np.dtypes.Int8DType, np.dtypes.Int16DType, np.dtypes.Int32DType,
    np.dtypes.Int64DType, np.dtypes.UInt8DType, np.dtypes.UInt16DType,
    np.dtypes.UInt32DType, np.dtypes.UInt64DType, np.dtypes.BoolDType
]


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """Stand-in for ``builtins.getattr`` inside checkpoints.

    Args:
        obj: The object whose attribute is looked up; must be the
            ``HistoryBuffer`` class.
        name (str): A public attribute name, e.g. ``'mean'``.

    Returns:
        The attribute ``getattr(HistoryBuffer, name)``.

    Raises:
        pickle.UnpicklingError: For any other object or a private name.
    """
    if obj is HistoryBuffer and not name.startswith('_') and hasattr(
            HistoryBuffer, name):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'This checkpoint asks for getattr({obj!r}, {name!r}); sskt only '
        'allows public attributes of mmengine.logging.HistoryBuffer. If the '
        'file comes from a source you trust and was written by another tool, '
        'convert it to a plain state dict first.')


def safe_globals() -> List[Any]:
    """The allow-list: the globals an mmengine checkpoint may contain.

    Returns:
        list: Entries for :func:`torch.serialization.add_safe_globals`.
    """
    return [
        HistoryBuffer,
        np._core.multiarray._reconstruct,
        np._core.multiarray.scalar,
        np.ndarray,
        np.dtype,
        *_NUMPY_DTYPE_CLASSES,
        (history_buffer_getattr, 'builtins.getattr'),
    ]


def register_safe_globals() -> None:
    """Add :func:`safe_globals` to torch's ``weights_only`` allow-list."""
    torch.serialization.add_safe_globals(safe_globals())
