"""What every browser test shares: Debian's Chromium through Playwright (never ``playwright install``),
a page at a desktop or phone width, signing in through the login page or with a session cookie.

Used by ``tests/e2e/test_*.py`` (the fixtures here apply to them) and imported by other browser tests
(``tests/statistics/test_browser.py``): ``pytestmark = BROWSER_TEST`` and the fixtures by name.
"""
import os
import shutil

import pytest
from django.conf import settings

from tests.fixtures import _fresh_permission_ids  # noqa: F401 - autouse for the browser tests

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PASSWORD = "Correct-Horse-42"  # tests.factories.UserFactory
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# A browser test's marks: e2e, skipped without Chromium, a transactional database the live server can see.
BROWSER_TEST = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
                       reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _async_unsafe(monkeypatch):
    """Playwright's sync API runs an event loop in this thread while the ORM calls here stay synchronous.

    Set per test (``monkeypatch`` restores it), not at module top: set there, it is inherited by the
    ``manage.py check --deploy`` subprocess of ``tests/test_settings.py``, which then fails (async.E001).
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def new_page(browser, viewport=DESKTOP, *, phone=False, **options):
    """A page in a fresh context (its own cookies), in Chinese; ``phone=True`` is a touch phone at 390 px.

    Close it with ``page.context.close()``; ``options`` go to ``browser.new_context``."""
    if phone:
        options = {"is_mobile": True, "has_touch": True, "device_scale_factor": 3, **options}
        viewport = PHONE
    return browser.new_context(viewport=viewport, locale="zh-CN", **options).new_page()


def sign_in(page, base, username, password=PASSWORD):
    """Sign in through the login page, as a person would."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def signed_in_page(browser, base, user, viewport=DESKTOP, **options):
    """A fresh page signed in as ``user`` (see ``new_page`` for the options)."""
    page = new_page(browser, viewport, **options)
    sign_in(page, base, user.username)
    return page


def session_cookie(client, user, live_server):
    """A signed-in session for ``user`` as a Playwright cookie (``context.add_cookies``), without the login page."""
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}
