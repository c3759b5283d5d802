"""Find finished runs under work directories and read what they logged.

A *run* is one training of one config with one seed. mmengine gives each
start of ``tools/train.py`` (or of a Runner) a directory
``work_dir/<timestamp>/`` holding ``vis_data/scalars.json`` (training and
validation scalars) and ``vis_data/config.py`` (the config as run); a test
writes its metrics as one line of ``<timestamp>/<timestamp>.json``, in the
training's directory when the same Runner tests (``tools/run_seeds.py``,
``tools/demo.py``) or in a directory of its own (``tools/test.py``).

Rules, per work_dir, in timestamp order:

* a directory whose first training step follows the previous directory's
  last step continues that run (``--resume``); otherwise it starts a new run;
* a test line belongs to the latest run started before it;
* the run's name is the stem of the config file mmengine dumped into the
  work_dir (``r20_stl10_pi.py`` -> ``r20_stl10_pi``), or the work_dir's name
  when it holds none or several; its seed is ``randomness.seed`` of the
  dumped config.
"""
import glob
import json
import os
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from mmengine.config import Config

from sskt.utils.errors import MalformedFileError, MissingFileError
from .scalar_logs import load_scalars

TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')


@dataclass
class Run:
    """One training run and its metrics.

    Attributes:
        work_dir (str): The run's work_dir.
        name (str): The config's name (see the module docstring).
        seed (int, optional): ``randomness.seed`` of the run's config.
        train (list[dict]): The training lines of ``scalars.json``.
        val (list[dict]): The validation lines, one per validation.
        test (dict, optional): The latest test metrics, if it was tested.
        timestamps (list[str]): The ``<timestamp>`` directories it spans.
    """
    work_dir: str
    name: str
    seed: Optional[int] = None
    train: List[dict] = field(default_factory=list)
    val: List[dict] = field(default_factory=list)
    test: Optional[dict] = None
    timestamps: List[str] = field(default_factory=list)

    @property
    def log(self) -> Dict[str, List[dict]]:
        """The run as a :func:`~.scalar_logs.load_scalars` log."""
        return dict(train=self.train, val=self.val)


def find_runs(paths: Iterable[str]) -> List[Run]:
    """Collect every run under the given directories (searched recursively).

    Args:
        paths (Iterable[str]): Work directories or directories above them.

    Returns:
        list[Run]: The runs, ordered by path and then by time.

    Raises:
        MissingFileError: If a path does not exist or holds no run.
    """
    work_dirs: List[str] = []
    for path in paths:
        if not osp.isdir(path):
            raise MissingFileError(
                f'{path} is not a directory; give work directories (or '
                'directories above them) that tools/train.py wrote.')
        found = sorted({
            osp.dirname(osp.dirname(osp.dirname(p)))
            for p in glob.glob(
                osp.join(path, '**', 'vis_data', 'scalars.json'),
                recursive=True)
        })
        if not found:
            raise MissingFileError(
                f'no run under {path}: found no '
                '<timestamp>/vis_data/scalars.json below it. Train with '
                'tools/train.py (or tools/run_seeds.py) first.')
        work_dirs += [d for d in found if d not in work_dirs]
    runs: List[Run] = []
    for work_dir in work_dirs:
        runs += runs_in_work_dir(work_dir)
    return runs


def runs_in_work_dir(work_dir: str) -> List[Run]:
    """The runs of one work_dir (see the module docstring for the rules).

    Args:
        work_dir (str): A directory holding ``<timestamp>/`` directories.

    Returns:
        list[Run]: Its runs in time order.
    """
    name = run_name(work_dir)
    runs: List[Run] = []
    for stamp in sorted(
            d for d in os.listdir(work_dir)
            if TIMESTAMP.match(d) and osp.isdir(osp.join(work_dir, d))):
        run_dir = osp.join(work_dir, stamp)
        scalars = osp.join(run_dir, 'vis_data', 'scalars.json')
        if osp.isfile(scalars):
            log = load_scalars(scalars)
            if log['train'] or log['val']:
                if not (runs and _continues(runs[-1], log['train'])):
                    runs.append(Run(work_dir, name, read_seed(run_dir)))
                runs[-1].train += log['train']
                runs[-1].val += log['val']
                runs[-1].timestamps.append(stamp)
        test = read_test_metrics(run_dir)
        if test is not None and runs:
            runs[-1].test = test
    return runs


def latest_run(work_dir: str) -> Run:
    """The latest run of one work_dir.

    Raises:
        MissingFileError: If it holds no run.
    """
    runs = runs_in_work_dir(work_dir) if osp.isdir(work_dir) else []
    if not runs:
        raise MissingFileError(
            f'no run in {work_dir}: it has no <timestamp>/vis_data/'
            'scalars.json. Did the training start?')
    return runs[-1]


def _continues(run: Run, train: List[dict]) -> bool:
    """Whether training lines continue ``run`` (a resumed training)."""
    if not run.train or not train:
        return False
    return train[0].get('step', 0) > run.train[-1].get('step', 0)


def run_name(work_dir: str) -> str:
    """The stem of the one config file in ``work_dir``, else its name."""
    configs = glob.glob(osp.join(work_dir, '*.py'))
    if len(configs) == 1:
        return osp.splitext(osp.basename(configs[0]))[0]
    return osp.basename(osp.normpath(work_dir))


def read_seed(run_dir: str) -> Optional[int]:
    """``randomness.seed`` of ``run_dir/vis_data/config.py`` (or None)."""
    path = osp.join(run_dir, 'vis_data', 'config.py')
    if not osp.isfile(path):
        return None
    try:
        seed = Config.fromfile(path).get('randomness', {}).get('seed')
    except Exception as error:  # a dumped config that no longer parses
        raise MalformedFileError(
            f'{path} (the config mmengine saved with the run) does not '
            f'parse: {error}. Remove the run or repair the file.') from error
    return None if seed is None else int(seed)


def read_test_metrics(run_dir: str) -> Optional[dict]:
    """The last metrics line of ``run_dir/<timestamp>.json``, if any.

    mmengine writes the test (and, without ``vis_data``, nothing else) there;
    lines with a ``step`` are training or validation lines and are skipped.
    """
    path = osp.join(run_dir, osp.basename(run_dir) + '.json')
    if not osp.isfile(path):
        return None
    metrics = None
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise MalformedFileError(
                    f'{path}:{line_no} is not JSON ({error}); it should be '
                    "mmengine's log of a test.") from error
            if 'step' not in record:
                metrics = record
    return metrics
