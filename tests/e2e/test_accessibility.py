"""Accessibility: axe-core in Debian's Chromium finds no serious or critical violation.

axe-core comes from the npm registry (``make axe`` puts the pinned version in ``.cache/axe``);
each page is opened in Chinese at a phone width (390 px), audited, resized to a desktop width
(1280 px) and audited again (the layout is CSS only: no script reads the width), with the
WCAG 2.0/2.1 A/AA rules and axe's best practices; every serious or critical violation is listed
in the failure with the width, the page, the rule and the offending elements. The staff forms'
submit buttons must also be reachable with the Tab key.

Cost: one Chromium for the file, one browser context per signed-in person, each page loaded once
for both widths, and the staff pages' cases built once (one test per seed, not one per page).
"""
# ruff: noqa: F811 - the fixtures are imported by name for pytest and also used as parameter names
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.intake.models import ComplaintDraft
from cases.models import Organization, Role
from cases.services.organizations import organization_create
from tests.adjudication.conftest import adj_case, applicant_user, drive, office_chain, respondent_user  # noqa: F401
from tests.e2e.conftest import ARGS, BROWSER_TEST, CHROMIUM, DESKTOP, PHONE, session_cookie
from tests.factories import OrganizationFactory, complainant, make_case, staff
from tests.tribunal.conftest import (  # noqa: F401
    agreement_concluded,
    confirmation_applied,
    court,
    failed_to_court,
    in_mediation,
    med,
    new_case,
    people,
)

AXE = Path(settings.BASE_DIR) / ".cache" / "axe" / "package" / "axe.min.js"
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
BLOCKING = {"serious", "critical"}
TAB_LIMIT = 150  # presses of Tab from the top of a page before its form's submit button must have the focus

pytestmark = BROWSER_TEST


@pytest.fixture(autouse=True)
def _axe_fetched():
    """axe-core is fetched by `make axe`, not here: without it the audit cannot run, which is a failure."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make axe` (fetches the pinned version from npm)")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole file (a launch per test cost seconds on a loaded machine).

    Playwright's loop stays in this thread between tests, so Django's async-safety check is off for the
    module, not only per test (``tests/e2e/conftest.py``): the transactional flush after each test runs
    after the per-test setting is undone. Restored when the module ends."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()


# axe's result keeps one node per passed rule (resultTypes): the violations are complete, the rest is not
# serialised back to Python node by node.
AXE_RUN = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
        resultTypes: ['violations']});
    return {lang: document.documentElement.lang, passes: result.passes.length,
            overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
            violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                     targets: v.nodes.slice(0, 5).map(n => n.target)}))};
}"""


def _violations(page, url):
    """axe on the page as it is now (already loaded and injected)."""
    result = page.evaluate(AXE_RUN)
    assert result["passes"] > 10, f"axe checked almost nothing on {url}"
    assert result["lang"], f"no lang attribute on {url}"
    problems = [f"{v['id']} ({v['impact']}): {v['help']} -> {v['targets']}"
                for v in result["violations"] if v["impact"] in BLOCKING]
    if result["overflow"]:
        problems.append("the page scrolls sideways")
    return problems


FOCUS_RING = """() => { const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2; }"""


def _keyboard_problem(page, selector):
    """Tab from the top of the page until ``selector`` (a form's submit button) has the focus; it must get
    there within ``TAB_LIMIT`` presses, be visible and show the focus ring. The problem, or None."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _press in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector):
            break
    else:
        return f"{selector} not reached in {TAB_LIMIT} presses of Tab"
    if not page.locator(selector).is_visible():
        return f"{selector} has the focus but is not visible"
    if not page.evaluate(FOCUS_RING):
        return f"{selector} has the focus but shows no focus ring"
    return None


def _audit(browser, base, urls, cookies=(), submits=None):
    """Each URL (answering 200 itself) at 390 px then, resized, at 1280 px; ``submits``: URL -> its form's
    submit button, which must then be reached with Tab (at 1280 px), visible and with the focus ring."""
    submits = submits or {}
    found = {}
    context = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True,
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    for url in urls:
        page.set_viewport_size(PHONE)
        response = page.goto(base + url)
        # the page itself is audited, not a redirect to the login page or a 403
        assert response.status == 200 and response.request.redirected_from is None, (url, response.status, page.url)
        page.add_script_tag(path=str(AXE))
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            problems = _violations(page, url)
            if problems:
                found[f"{width} {url}"] = problems
        if url in submits and (problem := _keyboard_problem(page, submits[url])):
            found[f"keyboard {url}"] = [problem]
    context.close()
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

def _audit_as(browser, live_server, client, user, urls, submits=None):
    """``urls`` audited as ``user`` signed in (a staff member or a party)."""
    client.logout()
    cookie = session_cookie(client, user, live_server)
    return _audit(browser, live_server.url, urls, cookies=[cookie], submits=submits)


def test_staff_pages(browser, live_server, client, court, people):
    """Each staff role's main pages (queue, triage, board, tribunal queue and case, delegations, statistics),
    then, with the same cases, a party's survey (reached from the closing SMS) and the public page a
    document's QR code opens."""
    from cases.documents.models import Document
    from cases.surveys.links import survey_token
    from cases.surveys.models import SurveyInvitation
    from cases.surveys.services import survey_invite_case
    from workflows import router

    arriving = new_case(court, people)
    in_court = failed_to_court(court, people)
    supervision = organization_create(name="重庆市知识产权局", kind=Organization.Kind.SUPERVISION,
                                      district=court.district, number_abbr="渝知监")
    supervisor = staff(Role.SUPERVISOR, supervision, full_name="郑监督")
    found = {}
    found.update(_audit_as(browser, live_server, client, court.clerk, [
        reverse("workflows:intake_queue"), reverse("workflows:triage", args=[arriving.pk])]))
    found.update(_audit_as(browser, live_server, client, court.director, [
        reverse("mediation:queue"), reverse("mediation:board")]))
    found.update(_audit_as(browser, live_server, client, court.court_clerk, [
        reverse("workflows:tribunal:queue"), reverse("workflows:tribunal:case", args=[in_court.pk]),
        reverse("workflows:tribunal:delegations")]))
    found.update(_audit_as(browser, live_server, client, supervisor, [
        reverse("statistics:dashboard"), reverse("cases:list")]))

    router.court_close(actor=court.court_clerk, case=in_court, outcome="withdrawal",
                       decided_on=timezone.localdate(), summary="原告撤回起诉。")
    invitation = (SurveyInvitation.objects.filter(case=in_court).first()
                  or next(iter(survey_invite_case(case=in_court)), None))  # the beat's sweep invites, normally
    document = Document.objects.filter(case=in_court).first()
    assert invitation is not None and document is not None
    public = [reverse("surveys:answer", args=[survey_token(invitation)]),
              reverse("documents:verify", args=[document.verification_code])]
    found.update(_audit(browser, live_server.url, public))
    assert found == {}


def test_mediation_adjudication_and_ruling_pages(browser, live_server, client, court, people,
                                                 office_chain, adj_case, drive, applicant_user):
    """One case through 快调 to 司法确认, audited at each person's page on the way: the director's page of a case
    waiting for a mediator; the mediator's session (schedule, record) and agreement (draft) forms; the party's
    agreement to confirm; the judge's ruling form at the station. And 速裁: the officer's queue, a filed case's
    workspace and technical page, the technical investigator's question with the opinion form."""
    from cases.adjudication import services as adj
    from cases.services.evidence import evidence_add
    from cases.tribunal import services as tribunal
    from mediation import services as med_services
    from mediation.models import MediationSession
    from tests.tribunal.conftest import pdf_file

    found = {}
    # 速裁: filed, a panel, a technical question with the applicant's evidence attached.
    filed = drive.file(adj_case())
    evidence_add(actor=applicant_user, case=filed, uploaded_file=pdf_file("专利证书.pdf"), description="涉案专利证书")
    drive.panel(filed)
    question = adj.adjudication_ask_technical(
        actor=office_chain.officer, case=filed, investigator=office_chain.investigator,
        questions="被控产品的散热片结构是否与权利要求1相同？\n如不同，区别在哪里？",
        evidence=list(filed.evidence.all()))
    found.update(_audit_as(browser, live_server, client, office_chain.officer, [
        reverse("workflows:adjudication:queue"), reverse("workflows:adjudication:workspace", args=[filed.pk]),
        reverse("workflows:adjudication:technical", args=[filed.pk])]))
    question_url = reverse("workflows:adjudication:question", args=[question.pk])
    opinion = "form:has(input[name=action][value=opinion]) button[type=submit]"
    found.update(_audit_as(browser, live_server, client, office_chain.investigator, [question_url],
                           submits={question_url: opinion}))

    # 快调: waiting for a mediator (director), then the mediator's forms.
    case = in_mediation(court, people)
    found.update(_audit_as(browser, live_server, client, court.director, [
        reverse("mediation:work", args=[case.pk])]))
    med_services.mediation_assign(actor=court.director, case=case, mediator=court.expert)
    med_services.mediation_assignment_accept(actor=court.expert, case=case, conflict=False)
    case.refresh_from_db()
    session = med_services.session_schedule(
        actor=court.expert, case=case, mode="in_person", place="璧山区知识产权纠纷人民调解委员会第一调解室",
        starts_at=timezone.now() + datetime.timedelta(days=1))
    # The day of the session comes: the record form is what the mediator opens then.
    MediationSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    mediator_forms = {
        reverse("mediation:session_new", args=[case.pk]): "main form.mediation-form button[type=submit]",
        reverse("mediation:session_record", args=[session.pk]): "form:has(input[value=record]) button[type=submit]",
        reverse("mediation:agreement_edit", args=[case.pk]): "main form.mediation-form button[type=submit]",
    }
    found.update(_audit_as(browser, live_server, client, court.expert,
                           [reverse("mediation:work", args=[case.pk]), *mediator_forms], submits=mediator_forms))

    # The agreement sent for confirmation: the party's page, then the mediator's case page with it.
    med_services.agreement_save(
        actor=court.expert, case=case, facts="被申请人制造、销售的电池散热装置落入涉案专利保护范围。",
        terms="被申请人立即停止制造、销售涉案产品\n被申请人赔偿申请人经济损失人民币五万元",
        performance="银行转账至申请人账户", performance_due=timezone.localdate() + datetime.timedelta(days=20))
    med_services.agreement_issue(actor=court.expert, case=case)
    agreement_url = reverse("mediation:agreement", args=[case.pk])
    found.update(_audit_as(browser, live_server, client, people.applicant, [agreement_url],
                           submits={agreement_url: f"form[action='{agreement_url}'] button[type=submit]"}))
    found.update(_audit_as(browser, live_server, client, court.expert, [reverse("mediation:work", args=[case.pk])]))

    # 调解成功, both parties apply for 司法确认, the station accepts it: the judge's ruling form.
    case = confirmation_applied(people, agreement_concluded(court, people, case))
    tribunal.confirmation_accept(actor=court.court_clerk, case=case)
    ruling_url = reverse("workflows:tribunal:case", args=[case.pk])
    rule = reverse("workflows:tribunal:action", args=[case.pk, "rule"])
    found.update(_audit_as(browser, live_server, client, court.judge, [ruling_url],
                           submits={ruling_url: f"form[action='{rule}'] button[type=submit]"}))
    assert found == {}
