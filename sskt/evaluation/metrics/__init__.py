"""Metrics."""
from .per_image_ap import PerImageAP, per_image_average_precision

__all__ = ['PerImageAP', 'per_image_average_precision']
