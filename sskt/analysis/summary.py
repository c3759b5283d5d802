"""Mean ± std of runs grouped by config: the paper-style results table.

For each run three numbers are taken from one metric: ``best`` (the best
validation value, ``max`` or ``min`` by ``rule``), ``last`` (the final
validation) and ``test`` (what ``runner.test()`` or ``tools/test.py``
logged, when the run was tested). Per group: the mean and the sample standard
deviation (``ddof=1``; none for a single run) of each.
"""
import csv
import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np

from sskt.utils.errors import ConfigError
from .runs import Run

#: validation keys tried in order when no metric is named
PREFERRED_METRICS = ('accuracy/top1', 'video/top1', 'clip/top1', 'mAP',
                     'ap/mAP')
NOT_METRICS = {'step', 'epoch', 'iter', 'time', 'data_time', 'memory', 'lr'}
COLUMNS = ('best', 'last', 'test')


@dataclass
class Stat:
    """Mean and sample std of a list of values.

    Attributes:
        values (list[float]): The values, one per run.
    """
    values: List[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of values."""
        return len(self.values)

    @property
    def mean(self) -> float:
        """The mean (nan without values)."""
        return float(np.mean(self.values)) if self.values else math.nan

    @property
    def std(self) -> float:
        """The sample standard deviation (nan for fewer than 2 values)."""
        if self.n < 2:
            return math.nan
        return float(np.std(self.values, ddof=1))

    def format(self, digits: int = 2) -> str:
        """``mean ± std``; the mean alone for one value; ``–`` for none."""
        if not self.values:
            return '–'
        if self.n == 1:
            return f'{self.mean:.{digits}f}'
        return f'{self.mean:.{digits}f} ± {self.std:.{digits}f}'


@dataclass
class GroupSummary:
    """The runs of one config and the statistics of their metric.

    Attributes:
        name (str): The group (config) name.
        runs (list[Run]): Its runs.
        stats (dict[str, Stat]): ``best``, ``last`` and ``test``.
    """
    name: str
    runs: List[Run]
    stats: Dict[str, Stat]

    @property
    def seeds(self) -> List[Optional[int]]:
        """The seeds of the runs, in run order."""
        return [run.seed for run in self.runs]


def choose_metric(runs: Sequence[Run]) -> str:
    """The first of :data:`PREFERRED_METRICS` the runs validate, else the
    first validation key that is not a timing/step key.

    Raises:
        ConfigError: If no run has a validation metric.
    """
    keys = {k for run in runs for line in run.val for k in line}
    keys |= {k for run in runs if run.test for k in run.test}
    for metric in PREFERRED_METRICS:
        if metric in keys:
            return metric
    candidates = sorted(keys - NOT_METRICS)
    if not candidates:
        raise ConfigError('the runs have no validation or test metric to '
                          'summarise; name one with --metric')
    return candidates[0]


def run_values(run: Run, metric: str, rule: str) -> Dict[str, float]:
    """``best``/``last``/``test`` of one run (absent ones left out).

    Args:
        run (Run): The run.
        metric (str): The metric key, e.g. ``'accuracy/top1'``.
        rule (str): ``'greater'`` or ``'less'`` is better.

    Returns:
        dict[str, float]: The values the run has.
    """
    best: Callable[[Iterable[float]], float] = (
        max if rule == 'greater' else min)
    values = [line[metric] for line in run.val if metric in line]
    out = {}
    if values:
        out.update(best=float(best(values)), last=float(values[-1]))
    if run.test is not None and metric in run.test:
        out['test'] = float(run.test[metric])
    return out


def summarize(runs: Sequence[Run],
              metric: Optional[str] = None,
              rule: Optional[str] = None,
              order: Optional[Sequence[str]] = None) -> List[GroupSummary]:
    """Group runs by name and compute mean ± std of best, last and test.

    Args:
        runs (Sequence[Run]): Runs from :func:`~.runs.find_runs`.
        metric (str, optional): Defaults to :func:`choose_metric`.
        rule (str, optional): ``'greater'`` or ``'less'``; defaults to
            ``'less'`` for a metric with "loss" or "error" in its name.
        order (Sequence[str], optional): Group names first in this order;
            the others follow in the order they were found.

    Returns:
        list[GroupSummary]: One per config name.
    """
    if not runs:
        raise ConfigError('no runs to summarise')
    metric = metric or choose_metric(runs)
    if rule is None:
        lowered = metric.lower()
        rule = 'less' if ('loss' in lowered or 'error' in lowered) else \
            'greater'
    if rule not in ('greater', 'less'):
        raise ConfigError(f"rule must be 'greater' or 'less', got {rule!r}")
    groups: Dict[str, List[Run]] = {}
    for run in runs:
        groups.setdefault(run.name, []).append(run)
    missing = [
        name for name, group in groups.items()
        if not any(run_values(run, metric, rule) for run in group)
    ]
    if missing:
        raise ConfigError(f'metric {metric!r} is in no run of {missing}; '
                          'name another with --metric')
    names = [n for n in (order or []) if n in groups]
    names += [n for n in groups if n not in names]
    summaries = []
    for name in names:
        stats = {column: Stat() for column in COLUMNS}
        for run in groups[name]:
            for column, value in run_values(run, metric, rule).items():
                stats[column].values.append(value)
        summaries.append(GroupSummary(name, groups[name], stats))
    return summaries


def to_markdown(summaries: Sequence[GroupSummary],
                metric: str,
                labels: Optional[Dict[str, str]] = None,
                columns: Sequence[str] = COLUMNS,
                digits: int = 2) -> str:
    """The table as markdown: one row per group.

    Args:
        summaries (Sequence[GroupSummary]): From :func:`summarize`.
        metric (str): The metric's name, for the header.
        labels (dict[str, str], optional): Row labels by group name; a
            labelled table gets a ``config`` column too.
        columns (Sequence[str]): Which of ``best``, ``last``, ``test``.
        digits (int): Decimals. Defaults to 2.

    Returns:
        str: The table, ending in a newline.
    """
    header = (['method', 'config']
              if labels else ['config']) + ['runs', 'seeds']
    header += [f'{column} {metric}' for column in columns]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for summary in summaries:
        row = [summary.name]
        if labels:
            row.insert(0, labels.get(summary.name, summary.name))
        seeds = ', '.join('?' if s is None else str(s) for s in summary.seeds)
        row += [str(len(summary.runs)), seeds]
        row += [summary.stats[column].format(digits) for column in columns]
        lines.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join(lines) + '\n'


def write_csv(summaries: Sequence[GroupSummary], metric: str,
              path: str) -> None:
    """Write the table as CSV with separate mean, std and n columns.

    Args:
        summaries (Sequence[GroupSummary]): From :func:`summarize`.
        metric (str): Written in a ``metric`` column.
        path (str): The CSV file.
    """
    fields = ['config', 'metric', 'runs', 'seeds']
    for column in COLUMNS:
        fields += [f'{column}_mean', f'{column}_std', f'{column}_n']
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(fields)
        for summary in summaries:
            row = [
                summary.name, metric,
                len(summary.runs), ' '.join(str(s) for s in summary.seeds)
            ]
            for column in COLUMNS:
                stat = summary.stats[column]
                row += [_number(stat.mean), _number(stat.std), stat.n]
            writer.writerow(row)


def _number(value: float) -> str:
    """A CSV cell: empty for nan, else full precision."""
    return '' if math.isnan(value) else repr(value)
