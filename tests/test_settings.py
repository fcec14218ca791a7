"""The environment drives the settings: embedded by default, hardened in production."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


def test_production_mode_passes_check_deploy_without_warnings(tmp_path):
    result = _run(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 20 + "-Prod-Secret-0987654321-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="ipdr.example.cn", IPDR_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_mode_is_not_deployable(tmp_path):
    result = _run("check", "--deploy", "--fail-level", "WARNING", IPDR_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_embedded_default_and_environment_switches(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    default = _run("shell", "--no-imports", "-c", code, IPDR_VAR_DIR=str(tmp_path)).stdout.split()
    assert default == ["django.db.backends.sqlite3", "True", "memory://"]
    real = _run("shell", "--no-imports", "-c", code, IPDR_VAR_DIR=str(tmp_path),
                DATABASE_URL="postgres://u:p@127.0.0.1:5432/x", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert real.stdout.split() == ["django.db.backends.postgresql", "False", "redis://127.0.0.1:6379/0"]
