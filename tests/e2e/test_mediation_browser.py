"""快调 in a real browser (Debian's Chromium through Playwright).

A mediator claims a case from the committee's queue, schedules and records a session and
sends the agreement for confirmation; the complainant, on a phone-sized screen, reads it and
confirms it with their password.
"""
import datetime

from django.utils import timezone

from cases.models import CaseStatus
from mediation.models import AgreementConfirmation, MediationSession
from tests.e2e.conftest import BROWSER_TEST, PASSWORD, new_page, sign_in
from tests.mediation import conftest as mediation_fixtures
from tests.mediation.conftest import in_mediation

# The mediation tests' fixtures (the district's chain, the parties), visible to this module.
med = mediation_fixtures.med
people = mediation_fixtures.people

pytestmark = BROWSER_TEST


def test_mediator_claims_records_and_issues_then_complainant_confirms_on_a_phone(live_server, browser, med, people):
    case = in_mediation(med, people)
    base = live_server.url

    # The mediator, on a desktop screen.
    page = new_page(browser)
    sign_in(page, base, med.expert.username)
    page.goto(f"{base}/mediation/queue/")
    assert case.number in page.content()
    with page.expect_navigation():
        page.click(f"a[href='/mediation/cases/{case.pk}/claim/']")
    page.check("input[name=claim-disclosure][value=none]")
    with page.expect_navigation():
        page.click("main form.mediation-form button[type=submit]")
    assert "您已认领本案" in page.content()

    with page.expect_navigation():
        page.get_by_role("link", name="安排调解会议").click()
    starts = timezone.localtime() + datetime.timedelta(days=1)
    page.check("input[name=mode][value=in_person]")
    page.fill("input[name=date]", starts.date().isoformat())
    page.fill("input[name=time]", "10:00")
    page.fill("input[name=place]", "璧山区知识产权纠纷人民调解委员会第一调解室")
    with page.expect_navigation():
        page.click("main form.mediation-form button[type=submit]")
    assert "已安排第1次调解会议" in page.content()
    session = MediationSession.objects.get(case=case)
    # The day of the session comes.
    MediationSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))

    with page.expect_navigation():
        page.get_by_role("link", name="记录笔录").click()
    page.check("input[name=record-attendees][value='李明（申请人）']")
    page.fill("input[name=record-others]", "王某")
    page.fill("textarea[name=record-summary]", "双方同意被申请人停止侵权并赔偿五万元。")
    with page.expect_navigation():
        page.click("form:has(input[value=record]) button[type=submit]")
    assert "调解笔录已保存" in page.content()

    with page.expect_navigation():
        page.get_by_role("link", name="草拟调解协议").click()
    page.fill("textarea[name=terms]", "被申请人立即停止制造、销售涉案产品\n被申请人赔偿申请人经济损失五万元")
    page.fill("textarea[name=performance]", "银行转账至申请人账户")
    page.fill("input[name=performance_due]", (timezone.localdate() + datetime.timedelta(days=15)).isoformat())
    with page.expect_navigation():
        page.click("main form.mediation-form button[type=submit]")
    with page.expect_navigation():
        page.get_by_role("button", name="发送各方当事人确认").click()
    assert "确认稿已发送" in page.content()
    page.context.close()

    # The complainant, on a phone.
    mobile = new_page(browser, phone=True)
    sign_in(mobile, base, people.applicant.username)
    mobile.goto(f"{base}/cases/{case.pk}/")
    with mobile.expect_navigation():
        mobile.get_by_role("link", name="阅读并确认调解协议").click()
    assert "被申请人立即停止制造、销售涉案产品" in mobile.content()
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"
    mobile.check("input[name=read]")
    mobile.fill("input[name=password]", PASSWORD)
    with mobile.expect_navigation():
        mobile.get_by_role("button", name="确认调解协议").click()
    assert "您已确认调解协议" in mobile.content()
    mobile.context.close()

    confirmation = AgreementConfirmation.objects.get(agreement__case=case)
    assert confirmation.party.name == "李明" and confirmation.channel == "online"
    assert confirmation.ip_address == "127.0.0.1" and len(confirmation.document_sha256) == 64
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
