"""Write mmaction rawframe lists for an official HMDB-51 split.

Reads the ``<class>_test_splitK.txt`` files of the official
``test_train_splits.rar`` (``testTrainMulti_7030_splits/``; lines
``<video>.avi 1|2|0``: 1 train, 2 test, 0 unused) and counts the extracted
frames of each video, then writes
``<out-dir>/hmdb51_train_split_K_rawframes.txt`` (flag 1) and
``hmdb51_val_split_K_rawframes.txt`` (flag 2) with ``<class>/<video>
<frames> <label>`` lines. Labels are 0-based in **alphabetical** class order
(as Hara et al.'s ``hmdb51_json.py``). See docs/dataset_prepare.md.

Examples::

    python tools/dataset_converters/hmdb51_lists.py data/hmdb51 --split 1
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
    ListEntry, hmdb51_split)
from sskt.datasets.video.split_lists_tool import (  # noqa: E402
    OfficialSplits, split_lists_main)
from sskt.utils.cli import exit_on_user_error  # noqa: E402

SPLITS = OfficialSplits(
    name='hmdb51',
    dataset='HMDB51',
    read_split=hmdb51_split,
    splits_subdir='testTrainMulti_7030_splits',
    splits_help='the <class>_test_split<K>.txt files',
    label_order='alphabetical order')


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, List[ListEntry]]:
    """Write the lists; returns ``{list path: its entries}``."""
    return split_lists_main(SPLITS, argv)


if __name__ == '__main__':
    main()
