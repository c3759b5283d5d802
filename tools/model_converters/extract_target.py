"""Extract the target network from a distillation checkpoint.

A checkpoint that ``tools/train.py`` writes for a distiller (SSKT, KD, DML,
MAXL) holds the whole model under prefixes (``target.*``, ``aux_branches.*``;
DML: peer 0 under ``target.*``, peer ``i`` under ``peers.(i-1).*``) plus
the optimizer, the parameter schedulers, the message hub and the
random-generator states. This tool keeps the state dict entries of one
prefix, with the prefix stripped, and a small ``meta`` (epoch, iter,
dataset_meta, where it came from): a plain checkpoint that ``load_from`` and
``tools/test.py`` read with the matching scratch config (e.g. SSKT on digits →
``configs/baselines/scratch/r20_digits.py``), giving the same predictions.

Examples::

    python tools/model_converters/extract_target.py \\
        work_dirs/r20_stl10_pi/epoch_200.pth checkpoints/r20_stl10_pi.pth
    python tools/model_converters/extract_target.py dml.pth peer1.pth \\
        --prefix peers.0.
"""
import argparse
import os
import os.path as osp
import sys
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Optional

sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))
try:
    import sskt  # noqa: F401  (checks the stack, allow-lists mmengine globals)
except ImportError as error:
    raise SystemExit(f'error: {error}')

import torch  # noqa: E402
from torch import Tensor  # noqa: E402

from sskt.engine.safe_loading import (  # noqa: E402
    TRAINED_CHECKPOINT_HINT, read_checkpoint)
from sskt.models.sources.checkpoint_formats import (  # noqa: E402
    top_level_prefixes)
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import ConfigError, MalformedFileError  # noqa: E402

#: The ``meta`` entries worth keeping; ``cfg`` (the distiller's config text)
#: and the rest describe the training run, not the extracted network.
KEPT_META = ('epoch', 'iter', 'seed', 'experiment_name', 'time',
             'mmengine_version', 'dataset_meta')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Extract the target of a distillation checkpoint')
    parser.add_argument('checkpoint', help='checkpoint of tools/train.py')
    parser.add_argument('out', help='where to write the target checkpoint')
    parser.add_argument(
        '--prefix',
        '--model-key',
        dest='prefix',
        default='target.',
        help="the sub-module to keep, e.g. 'target.' (SSKT, KD, MAXL, DML "
        "peer 0) or 'peers.0.' (DML peer 1; peer 0 in a checkpoint written "
        'before DML held peer 0 as target); a missing trailing dot is added. '
        "Default: 'target.'")
    return parser.parse_args(argv)


def load_checkpoint(path: str) -> Mapping[str, Any]:
    """Read a checkpoint safely, as every sskt entry point does.

    Args:
        path (str): The checkpoint file.

    Returns:
        Mapping: The checkpoint: ``{'meta', 'state_dict', ...}`` or a plain
        state dict.
    """
    obj = read_checkpoint(path, hint=TRAINED_CHECKPOINT_HINT)
    if not isinstance(obj, Mapping):
        raise MalformedFileError(
            f'Checkpoint {path} holds a {type(obj).__name__}, not a dict; '
            'pass a checkpoint written by tools/train.py.')
    return obj


def extract(checkpoint: Mapping[str, Any], prefix: str,
            source: str) -> Dict[str, Any]:
    """Build the plain checkpoint of the sub-module under ``prefix``.

    Args:
        checkpoint (Mapping): The loaded distillation checkpoint (or a plain
            state dict).
        prefix (str): The sub-module prefix with its trailing dot.
        source (str): The checkpoint's path, noted in the meta.

    Returns:
        dict: ``{'meta': {...}, 'state_dict': {...}}``.
    """
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, Mapping) or not all(
            isinstance(v, Tensor) for v in state.values()):
        raise MalformedFileError(
            f'Checkpoint {source} has no state dict of tensors (its keys: '
            f'{list(checkpoint)[:8]}); pass a checkpoint written by '
            'tools/train.py.')
    kept: Dict[str, Tensor] = OrderedDict((key[len(prefix):], value)
                                          for key, value in state.items()
                                          if key.startswith(prefix))
    if not kept:
        raise ConfigError(
            f'No state dict key of {source} starts with {prefix!r}; its keys '
            f'start with {top_level_prefixes(list(state))}. Pass the prefix '
            "of the network to keep with --prefix (e.g. 'target.' for SSKT "
            "and KD, 'peers.0.' for DML); a checkpoint whose keys start with "
            "'backbone.' and 'head.' is already a plain one.")
    old_meta = checkpoint.get('meta') or {}
    meta = {key: old_meta[key] for key in KEPT_META if key in old_meta}
    meta.update(extracted_from=source, extracted_prefix=prefix)
    return dict(meta=meta, state_dict=kept)


def _group(key: str, prefix: str) -> str:
    """The part of ``key`` to report: ``peers.1.`` next to ``peers.0.``."""
    parts = key.split('.')
    depth = prefix.count('.') if prefix.startswith(parts[0] + '.') else 1
    return '.'.join(parts[:depth]) + '.'


@exit_on_user_error
def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    """Extract; returns the checkpoint that was written."""
    args = parse_args(argv)
    prefix = args.prefix if args.prefix.endswith('.') else args.prefix + '.'
    if osp.abspath(args.out) == osp.abspath(args.checkpoint):
        raise ConfigError(f'The output {args.out} is the input checkpoint; '
                          'write the target to another file.')
    checkpoint = load_checkpoint(args.checkpoint)
    result = extract(checkpoint, prefix, args.checkpoint)
    if osp.dirname(args.out):
        os.makedirs(osp.dirname(args.out), exist_ok=True)
    torch.save(result, args.out)
    state = checkpoint.get('state_dict', checkpoint)
    left_out = list(
        dict.fromkeys(
            _group(key, prefix) for key in state
            if not key.startswith(prefix)))
    if state is not checkpoint:  # optimizer, message_hub, ...
        left_out += [k for k in checkpoint if k not in ('meta', 'state_dict')]
    print(f'Saved {len(result["state_dict"])} tensors under {prefix!r} of '
          f'{args.checkpoint} (epoch {result["meta"].get("epoch", "?")}) to '
          f'{args.out}; left out: {", ".join(left_out) or "nothing"}.')
    return result


if __name__ == '__main__':
    main()
