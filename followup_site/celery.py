"""The Celery app: a worker runs reminder sweeps, beat schedules them."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup_site.settings")

app = Celery("followup_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
