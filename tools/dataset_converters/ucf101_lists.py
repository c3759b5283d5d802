"""Write mmaction rawframe lists for an official UCF-101 split.

Reads ``classInd.txt``, ``trainlist0K.txt`` and ``testlist0K.txt`` of the
official ``UCF101TrainTestSplits-RecognitionTask.zip`` (``ucfTrainTestlist/``)
and counts the extracted frames of each video, then writes
``<out-dir>/ucf101_train_split_K_rawframes.txt`` and
``ucf101_val_split_K_rawframes.txt`` with ``<class>/<video> <frames>
<label>`` lines; labels are 0-based in ``classInd.txt`` order. See
docs/dataset_prepare.md.

Examples::

    python tools/dataset_converters/ucf101_lists.py data/ucf101 --split 1
    python tools/dataset_converters/ucf101_lists.py data/ucf101 \\
        --split 1 2 3 --frames-dir /fast/ucf101_frames
"""
import os.path as osp
import sys
from typing import Dict, List, Optional

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
try:
    import sskt  # noqa: F401  (checks the stack)
except ImportError as error:
    raise SystemExit(f'error: {error}')

from sskt.datasets.video.rawframe_lists import (  # noqa: E402
    ListEntry, ucf101_split)
from sskt.datasets.video.split_lists_tool import (  # noqa: E402
    OfficialSplits, split_lists_main)
from sskt.utils.cli import exit_on_user_error  # noqa: E402

SPLITS = OfficialSplits(
    name='ucf101',
    dataset='UCF101',
    read_split=ucf101_split,
    splits_subdir='ucfTrainTestlist',
    splits_help='classInd.txt and the train/test lists',
    label_order='classInd.txt order')


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, List[ListEntry]]:
    """Write the lists; returns ``{list path: its entries}``."""
    return split_lists_main(SPLITS, argv)


if __name__ == '__main__':
    main()
