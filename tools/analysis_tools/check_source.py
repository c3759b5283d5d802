"""Show what each source of an SSKT config predicts on a few images.

The quick way to catch a wrong source checkpoint, checkpoint format or
normalisation before a long run: a correct ImageNet source names what is in a
photo with a confident top-1, a wrong one spreads its probability over
unrelated classes. Each image goes exactly the way training sends it: the
target's test pipeline (``test_dataloader.dataset.pipeline``), the target's
data preprocessor, then each source (its adapter resizes and re-normalises,
its network gives logits). The sources are built from the config and load
their checkpoints (``init_weights()``); the target is not loaded.

Files are read from the pipeline's ``LoadImageFromFile`` when it has one (VOC,
ImageNet, Places365 configs: what the dataset does). Configs of in-memory
datasets (CIFAR, STL-10, digits) have none: the image is then read here as RGB
and, with ``--img-size``, resized to the dataset's size (32 or 96).

Examples::

    python tools/analysis_tools/check_source.py \\
        configs/sskt/r20_stl10_pi.py some.jpg --img-size 96
    python tools/analysis_tools/check_source.py CONFIG a.jpg b.jpg --topk 3 \\
        --cfg-options model.sources.places365.classes=categories_places365.txt
"""
import argparse
import copy
import logging
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))
try:
    import sskt  # noqa: F401  (checks the stack, fills the registries)
except ImportError as error:
    raise SystemExit(f'error: {error}')

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import Compose  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.registry import DefaultScope  # noqa: E402
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES  # noqa: E402
from torch import nn  # noqa: E402

from sskt.engine import load_config  # noqa: E402
from sskt.registry import MODELS  # noqa: E402
from sskt.utils.cli import exit_on_user_error  # noqa: E402
from sskt.utils.errors import (  # noqa: E402
    ConfigError, MalformedFileError, MissingFileError)

#: ``{image: {source: [(class name, probability), ...]}}``
Results = Dict[str, Dict[str, List[Tuple[str, float]]]]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Print each source's top-k classes on images")
    parser.add_argument('config', help='an SSKT config (with model.sources)')
    parser.add_argument('images', nargs='+', help='image files')
    parser.add_argument(
        '--topk', type=int, default=5, help='classes shown per source')
    parser.add_argument(
        '--img-size',
        type=int,
        help='resize to this square size first, for configs whose dataset '
        'holds images in memory (32: CIFAR/digits, 96: STL-10)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, e.g. '
        'model.sources.imagenet.checkpoint=PATH')
    return parser.parse_args(argv)


def build_model(cfg: Config) -> nn.Module:
    """Build the distiller as the Runner does and load its sources only."""
    if not cfg.get('model', {}).get('sources'):
        raise ConfigError(
            f'{cfg.filename} has no model.sources; pass an SSKT config such '
            'as configs/sskt/r20_stl10_pi.py.')
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'sskt')):
        model = MODELS.build(model_cfg)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # not the per-parameter init report
    try:
        for source in model.sources.values():
            source.init_weights()
    finally:
        logger.setLevel(level)
    return model.eval()


def target_test_pipeline(cfg: Config) -> Tuple[list, bool]:
    """The target's test pipeline, and whether it loads the file itself."""
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    dataset = (loader or {}).get('dataset', {})
    while 'pipeline' not in dataset and 'dataset' in dataset:
        dataset = dataset['dataset']  # wrappers such as RepeatDataset
    if 'pipeline' not in dataset:
        raise ConfigError(f'{cfg.filename} has no '
                          'test_dataloader.dataset.pipeline.')
    pipeline = list(dataset['pipeline'])
    loads = [
        str(t.get('type', '')).endswith('LoadImageFromFile') for t in pipeline
    ]
    return pipeline, any(loads)


def read_image(path: str, size: Optional[int]) -> np.ndarray:
    """Read an image as an RGB ``H×W×3`` uint8 array, optionally resized."""
    if not osp.isfile(path):
        raise MissingFileError(f'Image {path} does not exist; pass image '
                               'files such as data/some.jpg.')
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise MalformedFileError(f'Image {path} could not be read by '
                                 'OpenCV; pass a JPEG or PNG file.')
    if size is not None:
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def class_names(source: nn.Module) -> List[str]:
    """The source's ``classes``; ImageNet's for 1000; else ``class <i>``."""
    names = getattr(source, 'classes', None)
    if names:
        return list(names)
    if source.num_classes == 1000:
        return list(IMAGENET_CATEGORIES)
    return [f'class {i}' for i in range(source.num_classes)]


def describe(source: nn.Module, inputs: torch.Tensor) -> str:
    """One line about a source: its network, file and adapted input."""
    arch = getattr(source, 'arch', type(source).__name__)
    with torch.no_grad():
        seen = getattr(source, 'adapter', nn.Identity())(inputs)
    return (f'{arch} from {getattr(source, "checkpoint", None)}) sees '
            f'{"x".join(map(str, seen.shape[1:]))}, mean {seen.mean():.2f}, '
            f'std {seen.std():.2f}')


def source_topk(source: nn.Module, inputs: torch.Tensor,
                k: int) -> List[Tuple[str, float]]:
    """The ``k`` most probable classes of ``source`` on a one-image batch."""
    probs = source(inputs).softmax(dim=1)[0]
    top = probs.topk(min(k, probs.numel()))
    names = class_names(source)
    return [(names[i], float(p))
            for p, i in zip(top.values.tolist(), top.indices.tolist())]


@exit_on_user_error
def main(argv: Optional[Sequence[str]] = None) -> Results:
    """Print, per image and per source, the top-k classes; return them."""
    args = parse_args(argv)
    if args.topk < 1:
        raise ConfigError(f'--topk must be at least 1, got {args.topk}.')
    cfg = load_config(args.config, args.cfg_options)
    pipeline, loads_file = target_test_pipeline(cfg)
    for path in args.images:
        read_image(path, None)  # a missing or unreadable file fails first
    if not loads_file and args.img_size is None:
        print(f'note: the test pipeline of {args.config} reads no file: its '
              'dataset holds images of a fixed size in memory. Pass '
              '--img-size (32: CIFAR, digits; 96: STL-10) to see what '
              'training sees.')
    model = build_model(cfg)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'sskt')):
        transform = Compose(pipeline)
    results: Results = {}
    for path in args.images:
        if loads_file:
            packed = transform(dict(img_path=path))
        else:
            image = read_image(path, args.img_size)
            packed = transform(
                dict(
                    img=image,
                    img_shape=image.shape[:2],
                    ori_shape=image.shape[:2]))
        batch = model.data_preprocessor(
            dict(
                inputs=[packed['inputs']],
                data_samples=[packed['data_samples']]), False)
        inputs = batch['inputs']
        print(f'{path}: the target sees '
              f'{"x".join(map(str, inputs.shape[1:]))}')
        results[path] = {}
        for name, source in model.sources.items():
            results[path][name] = source_topk(source, inputs, args.topk)
            print(f'  {name} ({describe(source, inputs)}:')
            for label, prob in results[path][name]:
                print(f'    {prob:.4f}  {label}')
    return results


if __name__ == '__main__':
    main()
