"""The project package: settings, root URLs, the Celery app, and the pooling structure."""

from pooling.celery import app as celery_app

__all__ = ["celery_app"]
