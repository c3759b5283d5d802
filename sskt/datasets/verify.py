"""Check every sample of a dataset, with a progress bar; list the bad ones.

What ``tools/misc/verify_dataset.py`` runs on each phase of a config. Unlike
mmpretrain's ``verify_dataset.py``, which runs the pipeline and so only sees
what a file-based pipeline loads, this reads what each sample is made of:

* **file datasets** (VOC, ImageNet-style folders: ``img_path``): every image
  is decoded (:func:`~sskt.datasets.sample_checks.image_file_problem`:
  missing, unreadable, not decodable by OpenCV, truncated);
* **rawframe datasets** (``frame_dir``): every frame of every video, from the
  list's frame count and the dataset's ``filename_tmpl``, not only the first
  and last frame that construction checks;
* **in-memory datasets** (CIFAR, STL-10, digits): every record's shape,
  dtype and label range (their files are checked as the dataset is built).

Wrappers (``ConcatDataset``, ``RepeatDataset``, ...) are unwrapped. Samples
that read the same files (a video split into several clips, the val and test
phases of one split) are checked once when a ``seen`` set is shared.
"""
import sys
from typing import IO, Any, List, NamedTuple, Optional, Set, Tuple

from mmengine.utils import ProgressBar, track_parallel_progress

from .sample_checks import (Problem, files_problems, info_files,
                            record_problem)

#: Images per task sent to a worker process with ``nproc > 1``.
CHUNK = 16


class Report(NamedTuple):
    """What :func:`verify_samples` found.

    Attributes:
        checked (int): Samples whose files or record were checked.
        repeated (int): Samples whose files were checked before (another
            clip of the same video, a sample in ``seen``).
        unchecked (int): Samples with neither files nor a known record
            layout (e.g. another package's in-memory dataset).
        problems (list[tuple[str, str]]): ``(file or record, problem)`` of
            each bad one, in dataset order.
    """
    checked: int
    repeated: int
    unchecked: int
    problems: List[Problem]


def base_datasets(dataset: Any) -> List[Any]:
    """The datasets inside mmengine's wrappers, in order.

    Args:
        dataset: A dataset, or a ``ConcatDataset``, ``RepeatDataset``,
            ``ClassBalancedDataset`` (any object with ``datasets`` or
            ``dataset``) around datasets.

    Returns:
        list: The wrapped datasets (``[dataset]`` if it wraps nothing).
    """
    if hasattr(dataset, 'datasets'):
        return [d for inner in dataset.datasets for d in base_datasets(inner)]
    if hasattr(dataset, 'dataset') and not hasattr(dataset, 'data_list'):
        return base_datasets(dataset.dataset)
    return [dataset]


def verify_samples(dataset: Any,
                   nproc: int = 1,
                   seen: Optional[Set[Tuple[str, str, int]]] = None,
                   file: Optional[IO[str]] = None) -> Report:
    """Check every sample of ``dataset``; return the bad files and records.

    Args:
        dataset: An mmengine dataset (wrappers are unwrapped).
        nproc (int): Processes that decode files. Defaults to 1.
        seen (set, optional): Samples already checked, by their files;
            updated. Share it between calls to check each file once.
            Defaults to None (check everything).
        file (IO[str], optional): Where the progress bar goes. Defaults to
            ``sys.stdout``.

    Returns:
        Report: The number of samples checked and not, and the problems.
    """
    file = file or sys.stdout
    seen = set() if seen is None else seen
    checked = repeated = unchecked = 0
    problems: List[Problem] = []
    for inner in base_datasets(dataset):
        inner.full_init()
        spec = inner.record_spec() if hasattr(inner, 'record_spec') else None
        if spec is not None:
            problems += _verify_records(inner, spec, file)
            checked += len(inner)
            continue
        tasks = []
        for idx in range(len(inner)):
            files = info_files(inner.get_data_info(idx))
            key = (files[0], files[-1], len(files)) if files else None
            if key is None:
                unchecked += 1
            elif key in seen:
                repeated += 1
            else:
                seen.add(key)
                tasks.append(files)
        problems += _verify_files(tasks, nproc, file)
        checked += len(tasks)
    return Report(checked, repeated, unchecked, problems)


def _verify_records(dataset: Any, spec: tuple, file: IO[str]) -> List[Problem]:
    """Check the shape, dtype and label of every in-memory record."""
    problems: List[Problem] = []
    bar = ProgressBar(len(dataset), file=file)
    for idx in range(len(dataset)):
        info = dataset.get_data_info(idx)
        problem = record_problem(info, *spec)
        if problem:
            problems.append((dataset.record_origin(info), problem))
        bar.update()
    file.write('\n')
    return problems


def _verify_files(tasks: List[List[str]], nproc: int,
                  file: IO[str]) -> List[Problem]:
    """Decode the files of every task (a sample's files), ``nproc`` at once."""
    if nproc > 1 and len(tasks) > 1:
        results = track_parallel_progress(
            files_problems,
            tasks,
            nproc,
            chunksize=max(1, min(CHUNK,
                                 len(tasks) // nproc)),
            file=file)
        return [problem for result in results for problem in result]
    if not tasks:
        return []
    problems = []
    bar = ProgressBar(len(tasks), file=file)
    for files in tasks:
        problems += files_problems(files)
        bar.update()
    file.write('\n')
    return problems
