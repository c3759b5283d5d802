"""Heads of the auxiliary branches."""
from .aux_head import AuxHead

__all__ = ['AuxHead']
