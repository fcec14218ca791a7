"""Skips for tests that need the real services CI starts (PostgreSQL, Redis + a worker)."""
import os

import pytest

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))
HAS_BROKER = bool(os.environ.get("CELERY_BROKER_URL"))

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (row locks, triggers, concurrent transactions); set DATABASE_URL, as .ci/run does",
)
worker_only = pytest.mark.skipif(
    not HAS_BROKER, reason="needs Redis and a real Celery worker; set CELERY_BROKER_URL, as .ci/run does",
)
