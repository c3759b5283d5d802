"""Heads of the auxiliary branches."""
from .aux_head import AuxHead

__all__ = ['AuxHead']
from .init_cfg_i3d_head import InitCfgI3DHead  # noqa: F401
