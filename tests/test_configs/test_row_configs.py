"""Row configs are their differences, and merged configs hold only settings.

A row in ``configs/sskt/`` is its ``_base_`` list plus at most
:data:`MAX_ROW_LINES` code lines as yapf formats them; the merged config of
every config, as :func:`sskt.engine.load_config` returns it (print_config,
the work-dir config), has no config part and none of the helper keys the
part libraries used to leave in it (issue 12, item 4).
"""
import ast
import glob
import os.path as osp

import pytest
from yapf.yapflib.yapf_api import FormatCode

from sskt.engine import load_config
from tests.data.config_snapshot import config_names
from tests.helpers import REPO

#: Code lines a row may have after its ``_base_`` list.
MAX_ROW_LINES = 6

ROWS = sorted(
    glob.glob(osp.join(REPO, 'configs', 'sskt', '*.py')) +
    glob.glob(osp.join(REPO, 'configs', 'sskt', 'fast', '*.py')))
CONFIGS = config_names(osp.join(REPO, 'configs'))

#: The top-level helper keys merged configs carried before issue 12.
OLD_HELPER_KEYS = {
    'aux_ce', 'aux_kd_elementmean', 'aux_no_tm', 'aux_no_tm_3d', 'aux_tm',
    'aux_tm_3d', 'aux_tm_imagenet', 'imagenet_source', 'places365_source',
    'vgg16_imagenet_source', 'fast_source', 'fast_preprocessor',
    'fast_train_dataloader', 'dml_optim_wrapper', 'dml_accuracy_evaluator',
    'dml_voc_evaluator', 'dml_video_val_evaluator', 'dml_video_test_evaluator',
    'generator', 'difficult', 'dataset_name', 'clip_len', 'target_digits',
    'source_digits'
}
#: OpenMMLab idioms that stay (mmpretrain's and mmaction2's configs have
#: them): every config defines these.
IDIOMS = {'dataset_type', 'data_preprocessor', 'train_pipeline'}


def code_lines_after_bases(text: str) -> int:
    """Non-blank, non-comment lines after the ``_base_`` assignment.

    Args:
        text (str): A config file, already formatted.

    Returns:
        int: The count; the whole file if it has no ``_base_``.
    """
    end = 0
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == '_base_'
                for target in node.targets):
            end = node.end_lineno
    return sum(1 for line in text.splitlines()[end:]
               if line.strip() and not line.strip().startswith('#'))


def yapf_formatted(path: str) -> str:
    """The file as ``yapf`` with the repository's style formats it."""
    with open(path) as f:
        text, _ = FormatCode(
            f.read(), style_config=osp.join(REPO, 'setup.cfg'))
    return text


def test_code_lines_after_bases_counts_by_hand():
    text = ("# header\n_base_ = [\n    'a.py',\n    'b.py',\n]\n\n"
            "model = dict(\n    x=1,  # a comment\n    # own line\n    y=2)\n")
    assert code_lines_after_bases(text) == 3


@pytest.mark.parametrize(
    'path', ROWS, ids=[osp.relpath(p, REPO) for p in ROWS])
def test_row_is_its_bases_and_a_few_lines(path):
    lines = code_lines_after_bases(yapf_formatted(path))
    assert lines <= MAX_ROW_LINES, (
        f'{osp.relpath(path, REPO)} has {lines} code lines after its _base_ '
        f'list, more than {MAX_ROW_LINES}: start from '
        "configs/_base_/sskt/model.py (`model = dict(_base_._sskt, ...)`) "
        'and write only what the row changes (configs/sskt/README.md, "How '
        'a row is written").')


def test_rows_start_from_the_shared_model():
    for path in ROWS:
        with open(path) as f:
            text = f.read()
        assert "type='SSKT'" not in text, osp.relpath(path, REPO)


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_merged_config_holds_only_settings(name):
    cfg = load_config(CONFIGS[name])
    keys = set(cfg.keys())
    assert not {key for key in keys if key.startswith('_')}, name
    assert not keys & OLD_HELPER_KEYS, name
    assert IDIOMS <= keys, name
