"""Results analysis: read mmengine logs, collect runs, summarise and plot."""
from .curves import plot_runs
from .runs import Run, find_runs, latest_run
from .scalar_logs import available_keys, get_series, load_scalars
from .summary import (GroupSummary, Stat, choose_metric, summarize,
                      to_markdown, write_csv)

__all__ = [
    'GroupSummary', 'Run', 'Stat', 'available_keys', 'choose_metric',
    'find_runs', 'get_series', 'latest_run', 'load_scalars', 'plot_runs',
    'summarize', 'to_markdown', 'write_csv'
]
