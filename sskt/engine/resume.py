"""Pick the checkpoint ``--resume`` continues from, surviving a damaged one.

mmengine's auto-resume trusts the path in ``<work_dir>/last_checkpoint``: an
empty file gives ``FileNotFoundError:  can not be found``, and a truncated
checkpoint a zip-reader traceback, although an intact earlier checkpoint may
sit beside it. :func:`find_resume_checkpoint` checks that the named file can
really be read and otherwise falls back, with a warning, to the newest
readable ``epoch_*.pth``/``iter_*.pth``.
"""
import glob
import logging
import os.path as osp
import re
from typing import List, Optional, Tuple

from mmengine.logging import print_log

from sskt.utils.errors import MalformedFileError, SSKTUserError
from .safe_loading import read_checkpoint

_STEP = re.compile(r'^(epoch|iter)_(\d+)\.pth$')

#: What a missing or unreadable ``--resume`` checkpoint's message suggests.
_RESUME_HINT = ('Pass a checkpoint that tools/train.py wrote (epoch_N.pth or '
                'iter_N.pth), or --resume alone for the newest one in the '
                'work dir')


def read_training_checkpoint(path: str, hint: str = _RESUME_HINT) -> dict:
    """Check that training can resume from a checkpoint, and return it.

    The tensors are memory-mapped, not read (the Runner reads the file
    again when it resumes): this checks that the file is whole, safe and a
    training checkpoint at the cost of its pickled structure only.

    Args:
        path (str): A checkpoint file.
        hint (str): What the message suggests for a bad file.

    Returns:
        dict: The checkpoint.

    Raises:
        SSKTUserError: One paragraph naming ``path``: missing, damaged,
            refused, or not a training checkpoint.
    """
    checkpoint = read_checkpoint(path, hint=hint, mmap=True)
    if not isinstance(checkpoint, dict) or not {'meta', 'state_dict'
                                                } <= set(checkpoint):
        raise MalformedFileError(
            f'Checkpoint {path} is not a training checkpoint (it has no '
            "'meta' and 'state_dict'), so training cannot resume from it." +
            (f' {hint}.' if hint else ''))
    return checkpoint


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be resumed from, or None when it can.

    Args:
        path (str): A checkpoint file.

    Returns:
        str | None: The one-paragraph reason, or None.
    """
    try:
        read_training_checkpoint(path, hint='')
    except SSKTUserError as error:
        return str(error)
    return None


def step_checkpoints(work_dir: str) -> List[str]:
    """The ``epoch_N.pth``/``iter_N.pth`` files of a work dir, newest first.

    Args:
        work_dir (str): The work directory.

    Returns:
        list[str]: Paths sorted by decreasing ``N`` (best checkpoints, which
        hold no optimizer state, are left out).
    """
    found: List[Tuple[int, str]] = []
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        match = _STEP.match(osp.basename(path))
        if match:
            found.append((int(match.group(2)), path))
    return [path for _, path in sorted(found, reverse=True)]


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` (without a path) continues from.

    Args:
        work_dir (str): The work directory of the run.

    Returns:
        str | None: The file ``last_checkpoint`` names when it is readable,
        else the newest readable ``epoch_*.pth``/``iter_*.pth`` (with a
        warning naming the bad file); None when the work dir holds neither
        (training then starts from scratch, as in mmengine).

    Raises:
        MalformedFileError: There were checkpoints, but none is readable.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    problems = []
    named = None
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        problem = (f'{pointer} is empty (a kill may have cut its writing '
                   'short).' if not named else checkpoint_problem(named))
        if problem is None:
            return named
        problems.append(problem)
        print_log(
            f'--resume: {problem} Looking for the newest readable '
            f'checkpoint in {work_dir} instead.',
            logger='current',
            level=logging.WARNING)
    for path in step_checkpoints(work_dir):
        if named and osp.abspath(path) == osp.abspath(named):
            continue
        problem = checkpoint_problem(path)
        if problem is None:
            if problems:
                print_log(
                    f'Resuming from {path} instead.',
                    logger='current',
                    level=logging.WARNING)
            return path
        problems.append(problem)
    if problems:
        raise MalformedFileError(
            f'--resume found no readable checkpoint in {work_dir}: ' +
            ' '.join(p.rstrip('.') + '.' for p in problems) +
            ' Start the run again without --resume (or with a new '
            '--work-dir), or pass an intact checkpoint as --resume PATH.')
    return None
