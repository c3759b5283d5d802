"""The registries of sskt: children of mmengine's root registries, scope sskt.

Configs set ``default_scope = 'sskt'``. Modules registered here are found by
their bare name (``type='CifarResNet'``); modules of mmengine's root registries
(``SGD``, ``MultiStepLR``, ``CheckpointHook``, mmcv transforms such as
``RandomFlip``) are found through the parent. Modules of a sibling package are
named with its scope (``type='mmpretrain.PackInputs'``), and a model taken from
a sibling package is a dict that carries ``_scope_='mmpretrain'`` (or
``'mmaction'``) so that everything it builds inside (its data preprocessor, its
head, its losses) is looked up in that package; our own modules inside it are
then named ``sskt.X``::

    model = dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='sskt.CifarResNet', depth=20),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64))

More on mmengine registries:
https://mmengine.readthedocs.io/en/latest/advanced_tutorials/registry.html
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import \
    RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import \
    WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'LOG_PROCESSORS',
    'OPTIMIZERS', 'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'PARAM_SCHEDULERS', 'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS',
    'MODEL_WRAPPERS', 'WEIGHT_INITIALIZERS', 'TASK_UTILS', 'METRICS',
    'EVALUATORS', 'VISUALIZERS', 'VISBACKENDS'
]


def _child(name: str, parent: Registry, location: str) -> Registry:
    """Create a registry of scope ``sskt`` below an mmengine root registry."""
    return Registry(name, parent=parent, scope='sskt', locations=[location])


# engine
RUNNERS = _child('runner', MMENGINE_RUNNERS, 'sskt.engine')
RUNNER_CONSTRUCTORS = _child('runner constructor',
                             MMENGINE_RUNNER_CONSTRUCTORS, 'sskt.engine')
LOOPS = _child('loop', MMENGINE_LOOPS, 'sskt.engine')
HOOKS = _child('hook', MMENGINE_HOOKS, 'sskt.engine')
LOG_PROCESSORS = _child('log processor', MMENGINE_LOG_PROCESSORS,
                        'sskt.engine')
OPTIMIZERS = _child('optimizer', MMENGINE_OPTIMIZERS, 'sskt.engine')
OPTIM_WRAPPERS = _child('optim wrapper', MMENGINE_OPTIM_WRAPPERS,
                        'sskt.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
                                    'sskt.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', MMENGINE_PARAM_SCHEDULERS,
                          'sskt.engine')

# datasets
DATASETS = _child('dataset', MMENGINE_DATASETS, 'sskt.datasets')
DATA_SAMPLERS = _child('data sampler', MMENGINE_DATA_SAMPLERS, 'sskt.datasets')
TRANSFORMS = _child('transform', MMENGINE_TRANSFORMS, 'sskt.datasets')

# models
MODELS = _child('model', MMENGINE_MODELS, 'sskt.models')
MODEL_WRAPPERS = _child('model_wrapper', MMENGINE_MODEL_WRAPPERS,
                        'sskt.models')
WEIGHT_INITIALIZERS = _child('weight initializer',
                             MMENGINE_WEIGHT_INITIALIZERS, 'sskt.models')
TASK_UTILS = _child('task util', MMENGINE_TASK_UTILS, 'sskt.models')

# evaluation
METRICS = _child('metric', MMENGINE_METRICS, 'sskt.evaluation')
EVALUATORS = _child('evaluator', MMENGINE_EVALUATOR, 'sskt.evaluation')

# visualisation
VISUALIZERS = _child('visualizer', MMENGINE_VISUALIZERS, 'sskt.engine')
VISBACKENDS = _child('vis_backend', MMENGINE_VISBACKENDS, 'sskt.engine')
