"""Version of sskt."""

__version__ = '0.1.0'
