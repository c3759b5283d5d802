"""Metrics."""

__all__ = []
