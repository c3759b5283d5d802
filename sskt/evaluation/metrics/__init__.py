"""Metrics."""
from .peer_metric import PeerMetric
from .per_image_ap import PerImageAP, per_image_average_precision
from .val_loss import ValLoss
from .video_metrics import ClipAccuracy, VideoAccuracy, topk_accuracy

__all__ = [
    'PeerMetric', 'PerImageAP', 'per_image_average_precision', 'ValLoss',
    'ClipAccuracy', 'VideoAccuracy', 'topk_accuracy'
]
