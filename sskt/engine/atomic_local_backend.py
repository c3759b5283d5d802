"""Local files written so that a kill never leaves a partial one behind.

mmengine's ``LocalBackend.put`` opens the target with ``'wb'`` and writes
into it, so a process killed mid-save leaves a truncated (often empty)
checkpoint under the real name. :func:`write_atomically` writes a temporary
file in the same folder, flushes and fsyncs it, renames it over the target
(``os.replace`` is atomic on POSIX and Windows) and fsyncs the folder: at any
moment the target is either the complete old file or the complete new one.

:class:`AtomicLocalBackend` is mmengine's local backend with that write; it
is registered as the file backend ``'atomic_local'``, so
``backend_args=dict(backend='atomic_local')`` makes mmengine's
``save_checkpoint`` use it (``SafeCheckpointHook`` does so by default).
"""
import os
import os.path as osp
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

#: Suffix of the temporary file next to the target while it is written.
TEMP_SUFFIX = '.tmp'


def _fsync_directory(directory: str) -> None:
    """Make a rename inside ``directory`` durable (a no-op on Windows)."""
    if os.name != 'posix':
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(data: bytes, path: Union[str, Path]) -> None:
    """Replace ``path`` by ``data`` in one step.

    Args:
        data (bytes): The new content.
        path (str | Path): The target file; its folder is created if needed.
    """
    path = str(path)
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temp = path + TEMP_SUFFIX
    with open(temp, 'wb') as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
    _fsync_directory(directory)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """mmengine's ``LocalBackend`` whose writes are atomic."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath`` atomically.

        Args:
            obj (bytes): Data to be written.
            filepath (str | Path): Path to write data.
        """
        write_atomically(obj, filepath)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically.

        Args:
            obj (str): Text to be written.
            filepath (str | Path): Path to write data.
            encoding (str): The encoding. Defaults to 'utf-8'.
        """
        write_atomically(obj.encode(encoding), filepath)
