"""Shared pytest set-up: import sskt once so every registry is filled."""
import sskt  # noqa: F401
