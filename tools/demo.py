"""The demo: scratch vs KD vs DML vs SSKT on scikit-learn's digits.

Runs anywhere in about four minutes on a 2-core CPU, with nothing to
download::

    python tools/demo.py            # what `make demo` runs

1. trains the source, a torchvision ResNet-18, on digits 5-9: a label space
   the target does not have, on images the target never sees;
2. trains the KD teacher, a ResNet-56, on the target's labelled images;
3. trains the target, CIFAR ResNet-20 at 32x32 on digits 0-4 from 5 labelled
   images per class, from scratch, with KD, with DML (peer 0 reported) and
   with SSKT from the digits 5-9 source (linear head, and transfer module),
   3 seeds each, and tests each with its final weights on the 268 test
   images of digits 0-4;
4. prints the test accuracy as mean ± std, writes it to
   ``work_dirs/demo/results.md`` and the validation curves to
   ``work_dirs/demo/curves.png``.

Every run goes through the configs under ``configs/demo/`` and the same
``Runner.from_cfg`` as ``tools/train.py``, in this one process. Each run's
logs and final checkpoint stay under ``work_dirs/demo/<config>/seed<k>``, so
``tools/test.py`` and the analysis tools work on them as on any run.
"""
import argparse
import os.path as osp
import platform
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

import torch  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmengine.runner.checkpoint import find_latest_checkpoint  # noqa: E402

from sskt.analysis import (
    GroupSummary,
    latest_run,
    plot_runs,  # noqa: E402
    summarize,
    to_markdown)
from sskt.engine import (
    cached_config_text,
    load_config,  # noqa: E402
    seed_work_dir,
    train_and_test)
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import MissingFileError  # noqa: E402

CONFIGS = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', 'demo')
SOURCE = 'source_r18_digits59'
TEACHER = 'r56_digits04_teacher'
#: (row of the table, config) of every target method, in table order
METHODS = [
    ('Scratch', 'r20_digits04_scratch'),
    ('KD (ResNet-56 teacher)', 'r20_digits04_kd'),
    ('DML (peer 0)', 'r20_digits04_dml'),
    ('SSKT, linear head', 'r20_digits04_sskt_linear'),
    ('SSKT, transfer module', 'r20_digits04_sskt_tm'),
]
METRIC = 'accuracy/top1'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--work-dir', default='work_dirs/demo', help='where everything goes')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2], help='seeds')
    parser.add_argument(
        '--epochs',
        type=int,
        help='epochs of the teacher and the targets (default: the configs, '
        '25)')
    parser.add_argument(
        '--source-epochs',
        type=int,
        help='epochs of the source (default: the config, 3)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='override keys of every run, as for tools/train.py')
    return parser.parse_args(argv)


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint mmengine recorded last in ``work_dir``."""
    path = find_latest_checkpoint(work_dir)
    if path is None:
        raise MissingFileError(f'{work_dir} has no last_checkpoint: its '
                               'training did not save one.')
    return path


def epoch_options(epochs: Optional[int]) -> Dict[str, int]:
    """``--cfg-options`` that shorten a cosine schedule to ``epochs``."""
    if epochs is None:
        return {}
    return {
        'train_cfg.max_epochs': epochs,
        'train_cfg.val_interval': min(5, epochs),
        'param_scheduler.T_max': epochs,
    }


class Demo:
    """Steps 1-4, with a progress line per run.

    Args:
        work_dir (str): Root of every run.
        seeds (Sequence[int]): Seeds of the target runs.
        epochs (int, optional): Epochs of the teacher and the targets.
        source_epochs (int, optional): Epochs of the source.
        options (dict, optional): ``--cfg-options`` of every run.
    """

    def __init__(self,
                 work_dir: str,
                 seeds: Sequence[int],
                 epochs: Optional[int] = None,
                 source_epochs: Optional[int] = None,
                 options: Optional[Dict] = None) -> None:
        self.work_dir = work_dir
        self.options = dict(options or {})
        self.seeds = list(seeds)
        self.epochs = epochs
        self.source_epochs = source_epochs
        self.total = len(METHODS) * len(self.seeds) + 2
        self.done = 0

    def train(self, config: str, work_dir: str, seed: int,
              options: Dict) -> Dict[str, float]:
        """Train and test ``configs/demo/<config>.py`` quietly."""
        options = {**options, 'log_level': 'ERROR', **self.options}
        cfg = load_config(osp.join(CONFIGS, f'{config}.py'), options)
        return train_and_test(cfg, work_dir, seed)

    def step(self, what: str,
             action: Callable[[], Dict[str, float]]) -> Dict[str, float]:
        """Run one training with a progress line."""
        self.done += 1
        print(f'[{self.done}/{self.total}] {what} ...', end=' ', flush=True)
        start = time.time()
        metrics = action()
        print(
            f'test top-1 {metrics[METRIC]:.2f}% '
            f'({time.time() - start:.0f} s)',
            flush=True)
        return metrics

    def run(self) -> Dict[str, float]:
        """Train everything; returns the source's and teacher's metrics."""
        source_dir = osp.join(self.work_dir, 'source')
        teacher_dir = osp.join(self.work_dir, 'teacher')
        targets = epoch_options(self.epochs)
        helpers = {
            'source':
            self.step(
                'source: ResNet-18 on digits 5-9 (626 images)',
                lambda: self.train(SOURCE, source_dir, 0,
                                   epoch_options(self.source_epochs))),
            'teacher':
            self.step('KD teacher: ResNet-56 on the 25 labelled images',
                      lambda: self.train(TEACHER, teacher_dir, 0, targets)),
        }
        needs = {
            'sskt': {
                'model.sources.digits59.checkpoint':
                last_checkpoint(source_dir)
            },
            'kd': {
                'model.teacher.checkpoint': last_checkpoint(teacher_dir)
            },
        }
        for label, config in METHODS:
            options = dict(targets, **needs.get(config.split('_')[2], {}))
            for seed in self.seeds:
                work_dir = seed_work_dir(osp.join(self.work_dir, config), seed)
                self.step(f'{label}, seed {seed}',
                          lambda: self.train(config, work_dir, seed, options))
        return {name: m[METRIC] for name, m in helpers.items()}

    def report(self, helpers: Dict[str, float],
               seconds: float) -> List[GroupSummary]:
        """Print the table; write ``results.md`` and ``curves.png``."""
        runs = [
            latest_run(seed_work_dir(osp.join(self.work_dir, config), seed))
            for _, config in METHODS for seed in self.seeds
        ]
        labels = {config: label for label, config in METHODS}
        summaries = summarize(
            runs, METRIC, order=[config for _, config in METHODS])
        table = to_markdown(summaries, 'top-1 (%)', labels, columns=['test'])
        machine = (f'{platform.machine()}, {torch.get_num_threads()} '
                   f'threads, torch {torch.__version__}')
        notes = (
            f'Target: CIFAR ResNet-20, digits 0-4, 5 labelled images per '
            f'class; test = final weights on the 268 test images of 0-4, '
            f'mean ± sample std over seeds {self.seeds}.\n'
            f'Source (ResNet-18, digits 5-9) test top-1: '
            f'{helpers["source"]:.2f}%; KD teacher (ResNet-56) test top-1: '
            f'{helpers["teacher"]:.2f}%.\n'
            f'All {self.total} trainings took {seconds:.0f} s ({machine}).\n')
        print('\n' + table + '\n' + notes, end='')
        results = osp.join(self.work_dir, 'results.md')
        with open(results, 'w') as f:
            f.write('# sskt demo: scratch vs KD vs DML vs SSKT on digits\n\n' +
                    table + '\n' + notes)
        curves = osp.join(self.work_dir, 'curves.png')
        plot_runs(
            runs, [METRIC],
            curves,
            labels,
            title='Validation top-1 on digits 0-4 (mean ± std over seeds)')
        print(f'Wrote {results} and {curves}.')
        return summaries


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> List[GroupSummary]:
    """Run the demo; returns the table's rows."""
    args = parse_args(argv)
    demo = Demo(args.work_dir, args.seeds, args.epochs, args.source_epochs,
                args.cfg_options)
    start = time.time()
    with cached_config_text():
        helpers = demo.run()
    return demo.report(helpers, time.time() - start)


if __name__ == '__main__':
    main()
