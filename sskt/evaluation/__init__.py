"""Metrics the OpenMMLab packages lack."""
from .metrics import *  # noqa: F401,F403
