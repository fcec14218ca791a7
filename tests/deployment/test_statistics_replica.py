"""STATISTICS_DATABASE_URL: the statistics app's reads go to the replica alias; writes and
reads inside a writer's transaction stay on default; the replica is never migrated."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from cases.models import Case
from cases.statistics.models import DailyFact, RefreshState
from cases.statistics.routers import StatisticsReplicaRouter, primary
from tests.markers import postgres_only

ROOT = Path(__file__).resolve().parent.parent.parent


def test_router_sends_statistics_reads_to_the_replica_only_when_there_is_one(settings, monkeypatch):
    router = StatisticsReplicaRouter()
    assert router.db_for_read(DailyFact) is None  # no replica configured: default
    monkeypatch.setitem(settings.DATABASES, "statistics", dict(settings.DATABASES["default"]))
    assert router.db_for_read(DailyFact) == "statistics"
    assert router.db_for_read(Case) is None  # other apps never move
    assert router.db_for_write(DailyFact) == "default"
    with primary():
        assert router.db_for_read(DailyFact) is None
    assert router.allow_migrate("statistics", "statistics") is False
    assert router.allow_migrate("default", "statistics") is None


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "statistics", dict(settings.DATABASES["default"]))
    router = StatisticsReplicaRouter()
    with transaction.atomic():
        assert router.db_for_read(RefreshState) is None  # select_for_update and read-your-writes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_process_with_the_alias_reads_aggregates_through_it():
    """The settings load with STATISTICS_DATABASE_URL and the dashboard's query runs on that alias."""
    RefreshState.objects.create(key="default", last_cases=4321)
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    code = (
        "from django.db import connections;"
        "from cases.statistics.models import RefreshState as R;"
        "qs = R.objects.filter(key='default');"
        "print(qs.db, qs.get().last_cases, connections['statistics'].settings_dict['NAME'])"
    )
    env = {**os.environ, "DATABASE_URL": url, "STATISTICS_DATABASE_URL": url}
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["statistics", "4321", s["NAME"]]


def test_s3_private_storage_is_configured_from_the_environment(tmp_path):
    code = ("from django.conf import settings as s; o = s.STORAGES['private'];"
            "print(o['BACKEND'], o['OPTIONS']['bucket_name'], o['OPTIONS']['endpoint_url'], o['OPTIONS']['location'])")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(IPDR_VAR_DIR=str(tmp_path), IPDR_PRIVATE_S3_BUCKET="ipdr-evidence",
               IPDR_PRIVATE_S3_ENDPOINT_URL="https://minio.internal:9000", IPDR_PRIVATE_S3_PREFIX="bishan")
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["storages.backends.s3.S3Storage", "ipdr-evidence", "https://minio.internal:9000",
                                  "bishan"]
    # The backend class itself imports (django-storages and boto3 are installed and pinned).
    from django.utils.module_loading import import_string
    assert import_string("storages.backends.s3.S3Storage")
