"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (settings)."""

import os

from celery import Celery

from pooling.core.features import feature_packages

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pooling.settings")

app = Celery("pooling")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each feature keeps its own tasks module (``settlement/cycle/tasks.py``).
app.autodiscover_tasks(feature_packages)
