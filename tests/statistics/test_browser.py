"""In Debian's Chromium: the survey page (no login, phone, keyboard), the public typical cases and the
dashboard at phone and desktop widths: no horizontal scrolling, no script errors, nothing from another host."""
from urllib.parse import urlparse

import pytest
from django.db import connections

from cases.models import CaseStatus, Role
from cases.services import case_change_status, case_grant_user
from tests.e2e.conftest import (  # noqa: F401 - fixtures
    BROWSER_TEST,
    _async_unsafe,
    browser,
    new_page,
    sign_in,
)
from tests.factories import DistrictFactory, make_case, staff
from tests.statistics.world import accept, chain, parties

pytestmark = BROWSER_TEST


@pytest.fixture
def site(roles):
    from cases.statistics.anonymize import masked_draft
    from cases.statistics.refresh import refresh_aggregates
    from cases.statistics.services import default_outcome, typical_case_propose, typical_case_publish
    from cases.surveys.services import survey_invite_case

    orgs = chain(DistrictFactory(name="璧山区", abbr="璧"), "璧山区", "璧")
    clerk = staff(Role.INTAKE_CLERK, orgs.centre)
    mediator = staff(Role.MEDIATOR, orgs.committee, full_name="陈调解")
    director = staff(Role.COMMITTEE_DIRECTOR, orgs.committee)
    supervisor = staff(Role.SUPERVISOR, orgs.supervision, username="supervisor-e2e")
    case = make_case(organization=orgs.centre, parties=parties(), amount_in_dispute=100000)
    accept(case, to=CaseStatus.MEDIATION_ASSIGNMENT, org=orgs.committee, actor=clerk)
    case_grant_user(case=case, user=mediator)
    case_change_status(case=case, actor=mediator, to=CaseStatus.MEDIATING)
    case_change_status(case=case, actor=mediator, to=CaseStatus.MEDIATED)
    invitation = survey_invite_case(case=case, actor=None)[0]
    draft = masked_draft(case, mask_companies=False)
    typical = typical_case_propose(actor=director, case=case, title=draft["title"], facts=draft["facts"],
                                   claims=draft["claims"], outcome=default_outcome(case))
    typical_case_publish(actor=supervisor, typical_case=typical)
    refresh_aggregates()
    return invitation, typical, supervisor


def _check_page(page, base, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert page.locator("[style]").count() == 0 and page.locator("script").count() == 0


def test_phone_and_desktop(live_server, browser, site):  # noqa: F811 - fixture imported above
    from cases.surveys.links import survey_path
    from cases.surveys.models import SurveyResponse

    invitation, typical, supervisor = site
    base = live_server.url
    for width in (390, 1280):
        page = new_page(browser, {"width": width, "height": 900})
        errors, hosts = [], set()
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r, hosts=hosts: hosts.add(urlparse(r.url).netloc))

        page.goto(f"{base}/typical-cases/")
        _check_page(page, base, width)
        with page.expect_navigation():
            page.click(f"text={typical.title}")
        assert "基本案情" in page.content() and "李明" not in page.content()
        _check_page(page, base, width)

        if width == 390:  # the survey, by keyboard, on a phone, without an account
            page.goto(base + survey_path(invitation))
            _check_page(page, base, width)
            for field in ("convenience", "timeliness", "professionalism", "fairness", "outcome"):
                page.focus(f"#id_{field}_0")
                page.keyboard.press("Space")
                for _ in range(3):
                    page.keyboard.press("ArrowRight")  # to 4
            page.focus("#id_would_recommend_0")
            page.keyboard.press("Space")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "感谢您的评价" in page.content()
            response = SurveyResponse.objects.get()
            assert (response.convenience, response.outcome, response.would_recommend) == (4, 4, True)
            # The ORM ran inside Playwright's greenlet, on a connection of its own: close it.
            connections.close_all()

        sign_in(page, base, supervisor.username)
        page.goto(f"{base}/statistics/")
        _check_page(page, base, width)
        assert page.locator("svg.chart").count() == 6
        assert page.locator("svg.chart").first.is_visible()
        assert page.locator("#kpi-received").inner_text() == "1"
        assert errors == [] and hosts == {urlparse(base).netloc}
        page.wait_for_load_state("networkidle")  # no request left in flight when the server stops
        page.context.close()
