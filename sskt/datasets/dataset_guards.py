"""One-paragraph errors for a bad sample and for a dataset with no sample.

:class:`SampleGuardMixin` goes first in the bases of every sskt dataset
(``class VOC(SampleGuardMixin, mmpretrain.datasets.VOC)``) and adds two
guards to mmengine's ``BaseDataset``:

* **bad samples**: when loading or transforming sample ``idx`` raises, the
  sample's files (or in-memory record) are checked with
  :mod:`sskt.datasets.sample_checks`; if one is bad, a
  :class:`~sskt.utils.errors.DataSampleError` names the dataset, the index,
  the file (a VOC image, the lost frame of a video, the record of a CIFAR
  file), what is wrong with it and what to do. A ``DataLoader`` worker's
  copy of it reaches the main process as the same paragraph (see
  :mod:`sskt.utils.errors`), so ``num_workers=0`` and ``2`` report alike. If
  every file is sound, the failure is not the data's: the original exception
  goes on, traceback and all.
* **empty datasets**: a list or file that holds no sample, or ``indices=0``
  (or ``[]``), is an :class:`~sskt.utils.errors.EmptyDatasetError` naming
  the dataset and the setting, raised while the dataset is built, instead
  of a numpy or ``ZeroDivisionError`` from mmengine later.

A dataset says where its samples come from (:meth:`source_text`), why an
empty source is empty (:meth:`empty_text`) and, for in-memory records, their
expected shape (:meth:`record_spec`) and origin (:meth:`record_origin`).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from sskt.utils.errors import DataSampleError, EmptyDatasetError, SSKTUserError
from .dataset_errors import DOC
from .sample_checks import (Problem, files_problems, info_files,
                            record_problem)

#: Bad files named in one error; the others are counted.
MAX_NAMED = 3

VERIFY_HINT = ('`python tools/misc/verify_dataset.py CONFIG` lists every bad '
               'file and record')


class SampleGuardMixin:
    """Bad-sample and empty-dataset errors for an mmengine ``BaseDataset``.

    Put it before the ``BaseDataset`` subclass in the bases; it overrides
    ``prepare_data`` and ``filter_data`` and calls theirs.
    """

    @property
    def dataset_label(self) -> str:
        """The dataset's name in messages; the class name by default."""
        return type(self).__name__

    def source_text(self) -> str:
        """Where the samples come from, e.g. ``"split='train' in <folder>"``.

        Returns:
            str: A noun phrase naming the files and settings.
        """
        return f'data_root={self.data_root!r}'

    def empty_text(self) -> str:
        """Why the source lists no sample and what to do, one clause.

        Returns:
            str: E.g. ``"<list> lists no video, so ...; regenerate it ..."``.
        """
        return (f'{self.source_text()} holds no sample; point the dataset at '
                'the prepared files')

    def record_spec(self) -> Optional[Tuple[Tuple[int, ...], int, bool]]:
        """``(img shape, num_classes, unlabelled)`` of in-memory records.

        Returns:
            tuple | None: None (the default) for datasets that read files.
        """
        return None

    def record_origin(self, info: Dict[str, Any]) -> str:
        """Where an in-memory record comes from, e.g. ``'record 3 of <f>'``.

        Args:
            info (dict): The record's data info.

        Returns:
            str: A noun phrase; ``'sample <idx>'`` by default.
        """
        return f'sample {info.get("sample_idx")}'

    def sample_problems(self, idx: int) -> List[Problem]:
        """Check the files or the record of sample ``idx``.

        Args:
            idx (int): The sample's index.

        Returns:
            list[tuple[str, str]]: ``(file or record, problem)`` of each bad
            one; empty when the sample is sound.
        """
        info = self.get_data_info(idx)
        problems = files_problems(info_files(info))
        spec = self.record_spec()
        if spec is not None:
            problem = record_problem(info, *spec)
            if problem:
                problems.append((self.record_origin(info), problem))
        return problems

    def prepare_data(self, idx: int) -> Any:
        """mmengine's ``prepare_data``; a bad sample raises one paragraph.

        Args:
            idx (int): The sample's index.

        Returns:
            Any: The transformed sample.

        Raises:
            DataSampleError: Loading failed and a file or the record of the
                sample is bad.
        """
        try:
            return super().prepare_data(idx)
        except SSKTUserError:
            raise
        except Exception as error:
            try:
                problems = self.sample_problems(idx)
            except Exception:  # the check cannot tell; keep the original
                problems = []
            if not problems:
                raise  # the data is sound: a bug, keep its traceback
            raise DataSampleError(self._sample_message(idx, problems,
                                                       error)) from error

    def _sample_message(self, idx: int, problems: Sequence[Problem],
                        error: Exception) -> str:
        """The one paragraph of a bad sample."""
        named = '; '.join(f'{where} {what}'
                          for where, what in problems[:MAX_NAMED])
        if len(problems) > MAX_NAMED:
            named += f'; and {len(problems) - MAX_NAMED} more bad files'
        cause = type(error).__qualname__
        if type(error).__module__ != 'builtins':
            cause = f'{type(error).__module__}.{cause}'
        return (f'{self.dataset_label}: sample {idx} cannot be loaded: '
                f'{named} (loading it raised {cause}). Replace or re-extract '
                'the bad file, or remove the sample from the list; '
                f'{VERIFY_HINT} (see {DOC}).')

    def filter_data(self) -> List[dict]:
        """mmengine's ``filter_data``, then refuse a dataset left empty.

        mmengine calls it right after ``load_data_list`` and before applying
        ``indices`` and serialising the infos (which fails on an empty list
        with numpy's "need at least one array to concatenate").

        Returns:
            list[dict]: The filtered data infos.

        Raises:
            EmptyDatasetError: The source lists no sample, or ``indices``
                keeps none.
        """
        loaded = len(self.data_list)
        data_list = super().filter_data()
        label = self.dataset_label
        if not loaded:
            raise EmptyDatasetError(f'{label}: {self.empty_text()} (see '
                                    f'{DOC}).')
        if _keeps_nothing(self._indices):
            raise EmptyDatasetError(
                f'{label}: indices={self._indices!r} keeps none of the '
                f'{len(data_list)} samples of {self.source_text()}; set '
                'indices to a positive number of samples (e.g. '
                '--cfg-options train_dataloader.dataset.indices=100) or '
                f'remove it to use them all (see {DOC}).')
        return data_list


def _keeps_nothing(indices: Union[None, int, Sequence[int]]) -> bool:
    """Whether mmengine's ``indices`` selects no sample at all."""
    if indices is None:
        return False
    if isinstance(indices, int):
        return indices == 0
    return len(indices) == 0
