"""Security headers on representative pages, no inline script anywhere, and the deployment check."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.services import evidence_add
from tests.factories import complainant, make_case

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def csp(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}


def assert_hardened(response):
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_public_pages_carry_the_headers(client):
    for url in (reverse("login"), reverse("home")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert_hardened(response)


@pytest.mark.django_db
def test_pages_files_and_api_answers_for_a_signed_in_user_are_not_stored(client, roles):
    applicant = complainant()
    case = make_case(applicant_user=applicant)
    evidence = evidence_add(actor=applicant, case=case, party=case.parties.get(role="applicant"),
                            uploaded_file=SimpleUploadedFile("合同.pdf", PDF), description="合同")
    client.force_login(applicant)
    for url in (reverse("cases:detail", args=[case.pk]), reverse("cases:evidence_download", args=[evidence.pk]),
                reverse("v1:case-detail", args=[case.pk]), reverse("cases:list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert_hardened(response)


def test_no_template_has_inline_script_or_event_handlers():
    """CSP forbids them: behaviour lives in static/js (copy intake.js's data-attribute pattern)."""
    offenders = []
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    javascript_url = re.compile(r"href=\"javascript:", re.I)
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "documents/pdf" in path.as_posix():  # rendered by WeasyPrint, never by a browser
            continue
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or javascript_url.search(text):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_production_settings_pass_the_deployment_check_with_no_warnings():
    env = {**os.environ, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 20 + os.urandom(24).hex(),
           "DJANGO_ALLOWED_HOSTS": "ipdr.example.cn"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # And production sends HSTS for a year with subdomains.
    probe = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
         "django.setup(); from django.conf import settings as s;"
         "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
         " s.SECURE_SSL_REDIRECT)"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert probe.stdout.split() == ["31536000", "True", "True", "True"], probe.stderr
