"""Target backbones."""

__all__ = []
