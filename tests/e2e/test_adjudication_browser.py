"""速裁 in a real browser (Debian's Chromium through Playwright).

An enforcement officer reviews a request condition by condition and proposes filing; the chief
approves the filing; the officer issues and serves the 答辩通知书 and asks for more time; the chief,
on a phone-sized screen, approves the extension.
"""
from datetime import date

from cases.adjudication.models import ExtensionRequest, FilingReview
from cases.documents.models import Document
from cases.models import CaseStatus, Deadline
from tests.adjudication.conftest import (  # noqa: F401 - fixtures
    adj_case,
    applicant_user,
    office_chain,
    respondent_user,
)
from tests.e2e.conftest import BROWSER_TEST, PHONE, signed_in_page

pytestmark = BROWSER_TEST


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_officer_files_and_serves_then_chief_approves_an_extension(
        live_server, browser, office_chain, adj_case):  # noqa: F811 - fixtures imported above
    ch = office_chain
    case = adj_case()
    base = live_server.url

    # The officer finds the request in the queue and reviews it.
    officer = signed_in_page(browser, base, ch.officer)
    officer.click("nav.site-nav >> text=速裁工作台")
    officer.wait_for_load_state()
    assert "待立案审查" in officer.content()
    with officer.expect_navigation():
        officer.click("table.queue-table a")
    assert "行政裁决概览" in officer.content() or "办理进展" in officer.content()
    with officer.expect_navigation():
        officer.click("nav.adj-tabs >> text=立案")
    # Every condition is pre-marked from the file; the officer confirms them.
    for condition in ("standing", "respondent", "claims", "scope", "no_court"):
        assert officer.is_checked(f"input[name='review-{condition}_ok'][value='yes']")
    officer.check("input[name='review-proposal'][value='file']")
    submit(officer, "#review button[type=submit]")
    assert "已提交立案审查意见" in officer.content()
    assert FilingReview.objects.get().state == FilingReview.State.PENDING

    # The chief approves the filing.
    chief = signed_in_page(browser, base, ch.chief)
    chief.goto(f"{base}/work/adjudication/")
    assert "审批立案" in chief.content()
    chief.goto(f"{base}/work/adjudication/{case.pk}/filing/")
    chief.check("input[name='decide-decision'][value='yes']")
    submit(chief, "#decide button[type=submit]")
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATING
    assert f"已批准立案，案号{case.number}" in chief.content()

    # The officer issues the 答辩通知书 and records its service on the respondent.
    officer.goto(f"{base}/work/adjudication/{case.pk}/service/")
    officer.select_option("select[name='request-method']", "in_app")
    submit(officer, "form:has(input[name=action][value=serve_request]) button[type=submit]")
    assert "答辩通知书已生成并登记送达" in officer.content()
    notice = Document.objects.get(case=case, doc_type="answer_notice")
    assert notice.services.get().received_at is not None
    assert Deadline.objects.get(case=case, kind__startswith="adjudication_answer:").state == Deadline.State.RUNNING

    # The officer asks for one more month.
    officer.goto(f"{base}/work/adjudication/{case.pk}/procedure/")
    officer.fill("textarea[name='extend-reason']", "需要技术调查，案情复杂。")
    submit(officer, "form:has(input[name=action][value=extension_request]) button[type=submit]")
    assert "已申请延长办案期限" in officer.content()

    # The chief, on a phone, approves it from the queue.
    phone = signed_in_page(browser, base, ch.chief, PHONE)
    phone.goto(f"{base}/work/adjudication/")
    assert "审批延长期限" in phone.content()
    no_overflow = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert no_overflow, "the queue fits a phone screen"
    phone.goto(f"{base}/work/adjudication/{case.pk}/procedure/")
    phone.check("input[name='edecide-decision'][value='yes']")
    submit(phone, "form:has(input[name=action][value=extension_decide]) button[type=submit]")
    request = ExtensionRequest.objects.get()
    assert request.state == ExtensionRequest.State.APPROVED
    due = request.due_after
    assert f"已批准延长办案期限至{due.year}年{due.month}月{due.day}日" in phone.content()
    limit = Deadline.objects.get(case=case, kind="adjudication_limit")
    assert limit.due_date == due and due > request.due_before >= date(2026, 1, 1)
