"""Accessibility: axe-core in Debian's Chromium finds no serious or critical violation.

axe-core comes from the npm registry (``make axe`` puts the pinned version in ``.cache/axe``);
each page is opened in Chinese at a phone width (390 px) and a desktop width (1280 px), axe is
injected and run with the WCAG 2.1 A/AA rules, and every serious or critical violation is listed
in the failure with the page, the rule and the offending elements.
"""
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cases.intake.models import ComplaintDraft
from tests.e2e.conftest import BROWSER_TEST, DESKTOP, PHONE, new_page, session_cookie
from tests.factories import OrganizationFactory, complainant, make_case

AXE = Path(settings.BASE_DIR) / ".cache" / "axe" / "package" / "axe.min.js"
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
BLOCKING = {"serious", "critical"}

pytestmark = BROWSER_TEST


@pytest.fixture(autouse=True)
def _axe_fetched():
    """axe-core is fetched by `make axe`, not here: without it the audit cannot run, which is a failure."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make axe` (fetches the pinned version from npm)")


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
        page = new_page(browser, viewport, bypass_csp=True, extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        if cookies:
            page.context.add_cookies(list(cookies))
        for url in urls:
            problems = _violations(page, base + url)
            if problems:
                found[f"{width} {url}"] = problems
        page.context.close()
    return found


def test_public_pages(browser, live_server, roles):
    urls = [reverse("login"), reverse("intake:guide"), reverse("intake:register"), reverse("intake:privacy"),
            reverse("statistics:public_list")]
    assert _audit(browser, live_server.url, urls) == {}


def test_complainant_pages(browser, live_server, roles, client):
    centre = OrganizationFactory(name="璧山区知识产权保护中心")
    applicant = complainant(full_name="李明", phone="13812345678", email="liming@example.cn")
    case = make_case(organization=centre, applicant_user=applicant)
    cookie = session_cookie(client, applicant, live_server)
    client.get(reverse("intake:complaint_start"))
    draft = ComplaintDraft.objects.get(owner=applicant)
    steps = [reverse("intake:complaint_step", args=[draft.pk, step])
             for step in ("applicant", "respondents", "rights", "dispute", "evidence", "review")]
    urls = ["/", reverse("cases:list"), reverse("cases:detail", args=[case.pk]), *steps]
    assert _audit(browser, live_server.url, urls, cookies=[cookie]) == {}


# -- staff pages --------------------------------------------------------------------------------------------
# The staff second factor is off in the test settings (tests/conftest.py), so a forced login reaches the pages.

from cases.models import Organization, Role  # noqa: E402
from cases.services.organizations import organization_create  # noqa: E402
from tests.factories import staff  # noqa: E402
from tests.tribunal.conftest import court, failed_to_court, med, new_case, people  # noqa: E402, F401


def _staff_audit(browser, live_server, client, user, urls):
    client.logout()
    cookie = session_cookie(client, user, live_server)
    for url in urls:  # the page itself is audited, not a redirect to the login page or a 403
        assert client.get(url).status_code == 200, (user.roles, url)
    return _audit(browser, live_server.url, urls, cookies=[cookie])


def test_staff_pages(browser, live_server, client, court, people):  # noqa: F811
    """Each staff role's main pages: queue, triage, board, tribunal queue and case, delegations, statistics."""
    arriving = new_case(court, people)
    in_court = failed_to_court(court, people)
    supervision = organization_create(name="重庆市知识产权局", kind=Organization.Kind.SUPERVISION,
                                      district=court.district, number_abbr="渝知监")
    supervisor = staff(Role.SUPERVISOR, supervision, full_name="郑监督")
    found = {}
    found.update(_staff_audit(browser, live_server, client, court.clerk, [
        reverse("workflows:intake_queue"), reverse("workflows:triage", args=[arriving.pk])]))
    found.update(_staff_audit(browser, live_server, client, court.director, [
        reverse("mediation:queue"), reverse("mediation:board")]))
    found.update(_staff_audit(browser, live_server, client, court.court_clerk, [
        reverse("workflows:tribunal:queue"), reverse("workflows:tribunal:case", args=[in_court.pk]),
        reverse("workflows:tribunal:delegations")]))
    found.update(_staff_audit(browser, live_server, client, supervisor, [
        reverse("statistics:dashboard"), reverse("cases:list")]))
    assert found == {}


def test_survey_and_verify_pages(browser, live_server, client, court, people):  # noqa: F811
    """A party's survey (reached from the closing SMS) and the public page a document's QR code opens."""
    from django.utils import timezone

    from cases.documents.models import Document
    from cases.surveys.links import survey_token
    from cases.surveys.models import SurveyInvitation
    from cases.surveys.services import survey_invite_case
    from workflows import router

    case = failed_to_court(court, people)
    router.court_close(actor=court.court_clerk, case=case, outcome="withdrawal", decided_on=timezone.localdate(),
                       summary="原告撤回起诉。")
    invitation = (SurveyInvitation.objects.filter(case=case).first()
                  or next(iter(survey_invite_case(case=case)), None))  # the beat's sweep invites, normally
    document = Document.objects.filter(case=case).first()
    assert invitation is not None and document is not None
    urls = [reverse("surveys:answer", args=[survey_token(invitation)]),
            reverse("documents:verify", args=[document.verification_code])]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert _audit(browser, live_server.url, urls) == {}


from tests.adjudication.conftest import (  # noqa: E402, F401
    adj_case,
    applicant_user,
    drive,
    office_chain,
    respondent_user,
)
from tests.tribunal.conftest import in_mediation  # noqa: E402


def test_adjudication_and_mediation_case_pages(browser, live_server, client, court, people, office_chain,  # noqa: F811
                                               adj_case, drive):  # noqa: F811
    """速裁: the officer's queue and a filed case's workspace; 快调: a case waiting for a mediator, as the director."""
    filed = drive.file(adj_case())
    waiting = in_mediation(court, people)
    found = _staff_audit(browser, live_server, client, office_chain.officer, [
        reverse("workflows:adjudication:queue"), reverse("workflows:adjudication:workspace", args=[filed.pk])])
    found.update(_staff_audit(browser, live_server, client, court.director, [
        reverse("mediation:work", args=[waiting.pk])]))
    assert found == {}
