"""sskt: Self-Supervised Knowledge Transfer (WACV 2022) on the OpenMMLab stack.

Importing sskt checks the installed stack (see
:mod:`sskt.utils.dependency_check`), registers every sskt module in the
``sskt`` registries and allow-lists the globals of mmengine checkpoints for
``torch.load(weights_only=True)``.
"""
import warnings

from .utils.dependency_check import check_dependencies

check_dependencies()

# mmcv-lite has no compiled ops by design; sskt uses none of them.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__', 'check_dependencies']
