"""The Celery app: eager in the embedded default, a real Redis-backed worker when
CELERY_BROKER_URL is set (see config.settings)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ipdr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
