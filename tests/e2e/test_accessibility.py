"""Accessibility: axe-core in Debian's Chromium finds no serious or critical violation.

axe-core comes from the npm registry (``make axe`` puts the pinned version in ``.cache/axe``);
each page is opened in Chinese at a phone width (390 px) and a desktop width (1280 px), axe is
injected and run with the WCAG 2.1 A/AA rules, and every serious or critical violation is listed
in the failure with the page, the rule and the offending elements.
"""
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cases.intake.models import ComplaintDraft
from tests.e2e.test_intake_browser import ARGS, CHROMIUM
from tests.factories import OrganizationFactory, complainant, make_case

AXE = Path(settings.BASE_DIR) / ".cache" / "axe" / "package" / "axe.min.js"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
                       reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _async_unsafe(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_permission_ids():
    from cases import permissions

    permissions._perm_ids.clear()
    yield
    permissions._perm_ids.clear()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make axe` (fetches the pinned version from npm)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _violations(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    assert len(result["passes"]) > 10, f"axe checked almost nothing on {url}"
    assert "<html" in page.content() and page.locator("html").get_attribute("lang", timeout=1000)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"] if v["impact"] in BLOCKING
    ]


def _audit(browser, base, urls, cookies=()):
    found = {}
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True, extra_http_headers={
            "Accept-Language": "zh-CN,zh;q=0.9"})
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        for url in urls:
            problems = _violations(page, base + url)
            if problems:
                found[f"{width} {url}"] = problems
        context.close()
    return found


def _session_cookie(client, user, live_server):
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def test_public_pages(browser, live_server, roles):
    urls = [reverse("login"), reverse("intake:guide"), reverse("intake:register"), reverse("intake:privacy"),
            reverse("statistics:public_list")]
    assert _audit(browser, live_server.url, urls) == {}


def test_complainant_pages(browser, live_server, roles, client):
    centre = OrganizationFactory(name="璧山区知识产权保护中心")
    applicant = complainant(full_name="李明", phone="13812345678", email="liming@example.cn")
    case = make_case(organization=centre, applicant_user=applicant)
    cookie = _session_cookie(client, applicant, live_server)
    client.get(reverse("intake:complaint_start"))
    draft = ComplaintDraft.objects.get(owner=applicant)
    steps = [reverse("intake:complaint_step", args=[draft.pk, step])
             for step in ("applicant", "respondents", "rights", "dispute", "evidence", "review")]
    urls = ["/", reverse("cases:list"), reverse("cases:detail", args=[case.pk]), *steps]
    assert _audit(browser, live_server.url, urls, cookies=[cookie]) == {}
