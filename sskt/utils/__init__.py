"""Utilities that need no registry."""
from .dependency_check import check_dependencies

__all__ = ['check_dependencies']
