"""Install sskt: ``pip install -e .`` (add ``.[tests]`` for the test tools)."""
import os.path as osp

from setuptools import find_packages, setup


def read_version() -> str:
    """Read ``__version__`` from ``sskt/version.py`` without importing sskt."""
    namespace: dict = {}
    with open(osp.join(osp.dirname(__file__), 'sskt', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


setup(
    name='sskt',
    version=read_version(),
    description=('Self-Supervised Knowledge Transfer via Loosely Supervised '
                 'Auxiliary Tasks (WACV 2022) on the OpenMMLab stack'),
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    python_requires='>=3.9',
    install_requires=[
        # The OpenMMLab set that imports cleanly together: pinned exactly.
        'mmengine==0.10.7',
        'mmcv-lite==2.0.1',
        'mmpretrain==1.2.0',
        'mmaction2==1.1.0',
        # Ranges, so that other CUDA builds install (tested: 2.14.1/0.29.1).
        'torch>=2.6',
        'torchvision>=0.21',
        'numpy',
        'scikit-learn',
        'matplotlib',
        'tensorboard',
    ],
    extras_require={'tests': ['pytest']},
    zip_safe=False,
)
