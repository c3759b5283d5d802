"""Model wrappers for distributed training."""
from .grad_all_reduce_wrapper import GradAllReduceWrapper

__all__ = ['GradAllReduceWrapper']
