"""Forecast registry and prediction scorer: the domain (models, scoring, services, CLI)."""

__version__ = "0.1.0"
