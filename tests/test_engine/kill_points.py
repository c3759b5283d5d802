"""The test-only hook that kills training (SIGKILL) at a named point.

:class:`KillAt` patches the file operations of mmengine's ``LocalBackend``
(which mmengine's stock ``CheckpointHook`` writes with) and of sskt's
``AtomicLocalBackend`` alike, so the same kill lands at the same moment under
either hook. The points:

- ``'partial_write'``: the ``occurrence``-th write of checkpoint ``file`` has
  put half of its bytes on disk (under whatever name the hook writes to).
- ``'in_place'``: the ``occurrence``-th write of ``file`` is complete under
  its real name; ``last_checkpoint`` is not yet rewritten and nothing old is
  removed.
- ``'best_swap'``: in the validation after epoch ``epoch``, the first of
  "remove the old best" and "write the new best" is done, the other is not.
- ``'validation'``: the first batch of the validation after epoch ``epoch``
  has run.

:func:`train_until_killed` runs ``tools/train.py``'s config building and the
Runner with such a hook; tests start it in a ``forkserver`` process (a plain
fork of the pytest process can hang in torch's thread pool) and expect it to
die from SIGKILL.
"""
import os
import os.path as osp
import signal
from typing import List, Optional

from mmengine.fileio import LocalBackend
from mmengine.hooks import Hook
from mmengine.runner import Runner

from sskt.engine import cached_config_text
from sskt.engine.atomic_local_backend import AtomicLocalBackend
from tests.helpers import load_tool

POINTS = ('partial_write', 'in_place', 'best_swap', 'validation')


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class _HalfWriter:
    """A file whose first ``write`` stores half the bytes, then dies."""

    def __init__(self, f) -> None:
        self._f = f

    def write(self, data: bytes) -> None:
        self._f.write(data[:len(data) // 2])
        self._f.flush()
        os.fsync(self._f.fileno())
        _die()

    def __enter__(self):
        return self

    def __exit__(self, *args) -> None:
        self._f.close()

    def __getattr__(self, name):
        return getattr(self._f, name)


class KillAt(Hook):
    """Kill this process with SIGKILL at one named point of training.

    Args:
        point (str): One of :data:`POINTS`.
        file (str, optional): The checkpoint name for ``partial_write`` and
            ``in_place``, e.g. ``'epoch_4.pth'``.
        occurrence (int): Which write of ``file`` (1 = the first).
        epoch (int, optional): The validation for ``best_swap`` and
            ``validation``.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 point: str,
                 file: Optional[str] = None,
                 occurrence: int = 1,
                 epoch: Optional[int] = None) -> None:
        assert point in POINTS, point
        self.point, self.file, self.epoch = point, file, epoch
        self.occurrence = occurrence
        self._writes = 0
        self._runner = None

    def before_train(self, runner) -> None:
        self._runner = runner
        if self.point == 'partial_write':
            self._patch_open()
        elif self.point == 'in_place':
            self._patch_put(self._after_put_in_place)
        elif self.point == 'best_swap':
            self._patch_put(self._after_best_event)
            original_remove = LocalBackend.remove

            def remove(backend, filepath):
                original_remove(backend, filepath)
                self._after_best_event(str(filepath))

            LocalBackend.remove = remove

    def after_val_iter(self,
                       runner,
                       batch_idx,
                       data_batch=None,
                       outputs=None) -> None:
        if self.point == 'validation' and runner.epoch == self.epoch:
            _die()

    def _is_target(self, path: str) -> bool:
        name = osp.basename(path)
        return name == self.file or name.startswith(self.file + '.')

    def _patch_open(self) -> None:
        import mmengine.fileio.backends.local_backend as stock_module

        import sskt.engine.atomic_local_backend as atomic_module

        def patched_open(path, mode='r', *args, **kwargs):
            f = open(path, mode, *args, **kwargs)
            if 'w' in mode and self._is_target(str(path)):
                self._writes += 1
                if self._writes == self.occurrence:
                    return _HalfWriter(f)
            return f

        for module in (stock_module, atomic_module):
            module.open = patched_open

    def _patch_put(self, after) -> None:
        for backend in (LocalBackend, AtomicLocalBackend):
            original = backend.__dict__['put']

            def put(this, obj, filepath, _original=original):
                _original(this, obj, filepath)
                after(str(filepath))

            backend.put = put

    def _after_put_in_place(self, path: str) -> None:
        if self._is_target(path):
            self._writes += 1
            if self._writes == self.occurrence:
                _die()

    def _after_best_event(self, path: str) -> None:
        if (osp.basename(path).startswith('best_')
                and self._runner.epoch == self.epoch):
            _die()


def train_until_killed(argv: List[str], kill: dict) -> None:
    """Build the run as ``tools/train.py argv`` does, train, die at ``kill``.

    Args:
        argv (list[str]): ``tools/train.py`` arguments.
        kill (dict): :class:`KillAt` arguments.
    """
    train_tool = load_tool('train.py')
    cfg = train_tool.build_config(train_tool.parse_args(argv))
    with cached_config_text():
        runner = Runner.from_cfg(cfg)
        runner.register_hook(KillAt(**kill))
        runner.train()
