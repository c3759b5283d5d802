"""Necks of the auxiliary branches: the transfer module and plain pooling."""
from .last_stage import LastStage
from .last_stage_pooling import LastStagePooling
from .transfer_module import TransferModule

__all__ = ['LastStage', 'LastStagePooling', 'TransferModule']
