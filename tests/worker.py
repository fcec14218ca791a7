"""Start a real Celery worker against the test database and the CI broker."""
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def celery_worker(tmp_path, *, extra_env=None, concurrency=2):
    """A worker process (prefork, acks_late) sharing the test database; stopped on exit."""
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "IPDR_VAR_DIR": str(tmp_path / "worker-var"),
        "SMS_BACKEND": "cases.notifications.FileSMSBackend", "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        **(extra_env or {}),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", str(concurrency),
         "--without-gossip", "--without-mingle", "--purge", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in (tmp_path / "worker.log").read_text():
                break
            if proc.poll() is not None:
                raise RuntimeError((tmp_path / "worker.log").read_text())
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(predicate, timeout=60, interval=0.3):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False
