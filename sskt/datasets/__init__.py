"""Datasets read from local files in their official formats; none downloads."""

__all__ = []
