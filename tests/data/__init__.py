"""Helpers that write format-exact dataset fixtures for the tests."""
