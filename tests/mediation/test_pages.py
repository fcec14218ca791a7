"""The mediation pages: roles and cases checked in one step, forms that fail in Chinese, the case panel."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus, Role
from mediation import services
from mediation.models import MediationAssignment, MediationSession
from tests.factories import UserFactory, complainant
from tests.mediation.conftest import PASSWORD, in_mediation

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def _clean(html):
    assert "<script" not in html and 'style="' not in html and " onclick=" not in html


def _mediating(med, people, mediator=None):
    case = in_mediation(med, people)
    services.mediation_claim(actor=mediator or med.expert, case=case)
    case.refresh_from_db()
    return case


def test_mediator_home_lists_my_cases_and_the_queue(client, med, people):
    mine = _mediating(med, people)
    waiting = in_mediation(med, people, respondent_name="重庆另一家公司")
    client.force_login(med.expert)
    html = _html(client.get(reverse("mediation:home")))
    _clean(html)
    assert mine.number in html and waiting.number not in html
    assert "组织调解" in html  # the flow's step
    queue = _html(client.get(reverse("mediation:queue")))
    assert waiting.number in queue and mine.number not in queue
    assert reverse("mediation:claim", args=[waiting.pk]) in queue


def test_nav_and_home_cards_for_mediators_and_directors(client, med, people):
    in_mediation(med, people)
    client.force_login(med.director)
    html = _html(client.get(reverse("home")))
    assert reverse("mediation:board") in html and "待指派" in html
    client.force_login(med.expert)
    html = _html(client.get(reverse("home")))
    assert reverse("mediation:home") in html and reverse("mediation:queue") in html


@pytest.mark.parametrize("url_name", ["mediation:home", "mediation:queue", "mediation:board", "mediation:flow"])
def test_lists_are_for_their_roles(client, med, people, url_name):
    client.force_login(people.applicant)
    assert client.get(reverse(url_name)).status_code == 403


def test_board_shows_unassigned_loads_overdue_and_decisions(client, med, people):
    case = in_mediation(med, people)
    busy = _mediating(med, people, mediator=med.generalist)
    services.extension_request(actor=med.generalist, case=busy, days=10, reason="双方需要时间核对账目",
                               parties_agreed=True, agreement_note="第一次会议双方口头同意")
    client.force_login(med.director)
    response = client.get(reverse("mediation:board"))
    html = _html(response)
    _clean(html)
    assert case.number in html and reverse("mediation:assign", args=[case.pk]) in html
    assert "王调解" in html and "张调解" in html
    assert "延长调解期限" in html and reverse("mediation:flow") in html


def test_flow_chart_is_viewflows_svg_for_directors(client, med, people):
    case = _mediating(med, people)
    client.force_login(med.director)
    page = _html(client.get(reverse("mediation:flow")))
    assert reverse("mediation:flow_chart") in page and "征询调解意愿" in page
    svg = client.get(reverse("mediation:flow_chart"))
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and "组织调解".encode() in svg.content
    per_case = client.get(reverse("mediation:case_chart", args=[case.pk]))
    assert per_case.status_code == 200 and b'class="assigned"' in per_case.content
    assert "当前环节" in _html(client.get(reverse("mediation:flow") + f"?case={case.pk}"))
    client.force_login(med.expert)
    assert client.get(reverse("mediation:flow_chart")).status_code == 403


def test_assign_page_ranks_and_shows_excluded_with_reasons(client, med, people):
    case = in_mediation(med, people)
    services_party = case.parties.get(role="respondent")
    from mediation.models import DeclaredRelationship

    DeclaredRelationship.objects.create(mediator=med.health, party_name=services_party.name,
                                        identifier=services_party.credit_code, relation="曾担任其法律顾问")
    client.force_login(med.director)
    html = _html(client.get(reverse("mediation:assign", args=[case.pk])))
    _clean(html)
    assert html.index("张调解") < html.index("王调解")  # industry and IP type first
    excluded = html[html.index("已排除的调解员"):]
    assert "赵调解" in excluded and "曾担任其法律顾问" in excluded
    # Excluded mediators cannot be chosen, even by a crafted POST.
    bad = client.post(reverse("mediation:assign", args=[case.pk]), {"mediator": med.health.pk})
    assert bad.status_code == 400 and "请选择可以承办本案的调解员。" in _html(bad)
    ok = client.post(reverse("mediation:assign", args=[case.pk]), {"mediator": med.expert.pk, "note": "专业对口"})
    assert ok.status_code == 302
    assert MediationAssignment.objects.get(case=case).status == "pending"


def test_offered_mediator_accepts_with_disclosure(client, med, people):
    case = in_mediation(med, people)
    services.mediation_assign(actor=med.director, case=case, mediator=med.expert)
    client.force_login(med.expert)
    url = reverse("mediation:respond", args=[case.pk])
    missing = client.post(url, {"respond-answer": "accept"})
    assert missing.status_code == 400 and "接受指派前请作回避声明。" in _html(missing)
    decline = client.post(url, {"respond-answer": "decline"})
    assert decline.status_code == 400 and "请写明谢绝的理由。" in _html(decline)
    ok = client.post(url, {"respond-answer": "accept", "respond-disclosure": "none"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING


def test_another_mediator_cannot_answer_the_offer(client, med, people):
    case = in_mediation(med, people)
    services.mediation_assign(actor=med.director, case=case, mediator=med.expert)
    client.force_login(med.generalist)
    response = client.post(reverse("mediation:respond", args=[case.pk]),
                           {"respond-answer": "accept", "respond-disclosure": "none"})
    assert response.status_code == 400 and "本案目前没有等待您答复的指派。" in _html(response)


def test_case_of_another_committee_is_404(client, med, people, roles):
    from cases.models import Organization
    from cases.services.organizations import organization_create
    from tests.factories import staff

    case = in_mediation(med, people)
    other = organization_create(name="长寿区知识产权纠纷人民调解委员会", kind=Organization.Kind.MEDIATION_COMMITTEE,
                                district=med.district, number_abbr="长知调")
    stranger = staff(Role.MEDIATOR, other)
    client.force_login(stranger)
    for name in ("mediation:work", "mediation:claim", "mediation:assign", "mediation:session_new"):
        assert client.get(reverse(name, args=[case.pk])).status_code in (403, 404)
    assert client.get(reverse("mediation:work", args=[case.pk])).status_code == 404
    assert client.get(reverse("mediation:work", args=[99999999])).status_code == 404


def test_workspace_schedule_record_and_agreement(client, med, people):
    case = _mediating(med, people)
    client.force_login(med.expert)
    work = _html(client.get(reverse("mediation:work", args=[case.pk])))
    _clean(work)
    assert "安排调解会议" in work and "终止调解" in work
    day = timezone.localdate() + datetime.timedelta(days=2)
    bad = client.post(reverse("mediation:session_new", args=[case.pk]),
                      {"mode": "online", "date": day.isoformat(), "time": "10:00", "duration_minutes": 90,
                       "meeting_link": "http://insecure.example.cn"})
    assert bad.status_code == 400 and "会议链接应为以 https:// 开头的网址。" in _html(bad)
    past = client.post(reverse("mediation:session_new", args=[case.pk]),
                       {"mode": "in_person", "date": "2020-01-01", "time": "10:00", "duration_minutes": 90,
                        "place": "第一调解室"})
    assert past.status_code == 400 and "开始时间应晚于现在。" in _html(past)
    assert not MediationSession.objects.exists()
    ok = client.post(reverse("mediation:session_new", args=[case.pk]),
                     {"mode": "in_person", "date": day.isoformat(), "time": "10:00", "duration_minutes": 90,
                      "place": "第一调解室"})
    assert ok.status_code == 302
    session = MediationSession.objects.get()
    early = client.post(reverse("mediation:session_record", args=[session.pk]),
                        {"action": "record", "record-summary": "x", "record-others": "李明"})
    assert early.status_code == 400 and "尚未到期，不能记录" in _html(early)
    MediationSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    page = _html(client.get(reverse("mediation:session_record", args=[session.pk])))
    assert "李明（申请人）" in page
    recorded = client.post(reverse("mediation:session_record", args=[session.pk]), {
        "action": "record", "record-attendees": ["李明（申请人）"], "record-others": "王某、张律师",
        "record-summary": "双方就赔偿数额达成一致意见。", "record-next_steps": "草拟调解协议"})
    assert recorded.status_code == 302
    session.refresh_from_db()
    assert session.status == "held" and session.attendees == ["李明（申请人）", "王某", "张律师"]
    edit = _html(client.get(reverse("mediation:agreement_edit", args=[case.pk])))
    assert "申请人请求：请求停止侵权并赔偿经济损失" in edit  # drafted from the case data
    response = client.post(reverse("mediation:agreement_edit", args=[case.pk]), {
        "facts": "事实", "terms": "被申请人停止侵权", "performance": "银行转账",
        "performance_due": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "履行期限不能早于今天。" in _html(response)
    response = client.post(reverse("mediation:agreement_edit", args=[case.pk]), {
        "facts": "事实", "terms": "被申请人停止侵权", "performance": "银行转账",
        "performance_due": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(), "amount": "50000"})
    assert response.status_code == 302
    assert client.post(reverse("mediation:agreement_action", args=[case.pk, "issue"])).status_code == 302
    assert case.mediation_agreements.get().status == "confirming"
    assert client.post(reverse("mediation:agreement_action", args=[case.pk, "bogus"])).status_code == 404


def test_party_confirms_with_password_and_wrong_passwords_lock(client, med, people):
    case = _mediating(med, people)
    services.agreement_save(actor=med.expert, case=case, facts="事实", terms="停止侵权", performance="转账",
                            performance_due=timezone.localdate() + datetime.timedelta(days=5))
    services.agreement_issue(actor=med.expert, case=case)
    client.force_login(people.applicant)
    detail = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "阅读并确认调解协议" in detail and "申请调解员回避" in detail
    url = reverse("mediation:agreement", args=[case.pk])
    page = _html(client.get(url))
    _clean(page)
    assert "停止侵权" in page and 'type="password"' in page
    unread = client.post(url, {"password": PASSWORD})
    assert unread.status_code == 400 and "请先阅读协议并勾选同意。" in _html(unread)
    for attempt in range(4):
        wrong = client.post(url, {"read": "on", "password": "wrong"})
        assert wrong.status_code == 400 and f"再错{4 - attempt}次" in _html(wrong)
    locked = client.post(url, {"read": "on", "password": "wrong"})
    assert locked.status_code == 400 and "锁定30分钟" in _html(locked)
    still = client.post(url, {"read": "on", "password": PASSWORD})
    assert still.status_code == 400 and "确认功能已锁定" in _html(still)
    assert not case.mediation_agreements.get().confirmations.exists()


def test_party_without_password_is_told_to_sign_in_person(client, med, people):
    case = _mediating(med, people)
    services.agreement_save(actor=med.expert, case=case, facts="事实", terms="停止侵权", performance="转账",
                            performance_due=timezone.localdate() + datetime.timedelta(days=5))
    services.agreement_issue(actor=med.expert, case=case)
    people.respondent.set_unusable_password()
    people.respondent.save()
    client.force_login(people.respondent)
    html = _html(client.get(reverse("mediation:agreement", args=[case.pk])))
    assert "无法在线确认" in html and 'type="password"' not in html
    response = client.post(reverse("mediation:agreement", args=[case.pk]), {"read": "on", "password": "x"})
    assert response.status_code == 400 and "无法在线确认" in _html(response)
    # The mediator records the signature given in person.
    client.force_login(med.expert)
    respondent = case.parties.get(role="respondent")
    response = client.post(reverse("mediation:agreement_signature", args=[case.pk]), {"party": respondent.pk})
    assert response.status_code == 302
    confirmation = case.mediation_agreements.get().confirmations.get()
    assert confirmation.channel == "in_person" and confirmation.recorded_by == med.expert


def test_party_recusal_request_and_director_decision(client, med, people):
    case = _mediating(med, people)
    client.force_login(people.respondent)
    url = reverse("mediation:recusal", args=[case.pk])
    empty = client.post(url, {"ground": "interest"})
    assert empty.status_code == 400 and "请填写具体理由。" in _html(empty)
    assert client.post(url, {"ground": "interest", "reasons": "调解员曾为申请人提供咨询"}).status_code == 302
    request = case.recusal_requests.get()
    client.force_login(med.director)
    decide = reverse("mediation:recusal_decide", args=[request.pk])
    assert "调解员曾为申请人提供咨询" in _html(client.get(decide))
    reject_without_reason = client.post(decide, {"decision": "reject"})
    assert reject_without_reason.status_code == 400 and "请写明理由。" in _html(reject_without_reason)
    assert client.post(decide, {"decision": "grant"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT
    # Only directors decide.
    client.force_login(med.expert)
    assert client.get(decide).status_code == 403


def test_terminate_page(client, med, people):
    case = _mediating(med, people)
    client.force_login(people.applicant)
    url = reverse("workflows:mediation:terminate", args=[case.pk])
    assert client.get(url).status_code == 403
    client.force_login(med.generalist)  # a mediator of the committee, not this case's
    assert client.get(url).status_code == 403
    client.force_login(med.expert)
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"reason": "no_agreement", "note": "双方对赔偿数额分歧较大"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
    assert case.documents.filter(doc_type="mediation_termination").exists()
    client.force_login(people.applicant)
    assert "选择后续程序" in _html(client.get(reverse("cases:detail", args=[case.pk])))


def test_calendar_invitations(client, med, people):
    case = _mediating(med, people)
    session = services.session_schedule(
        actor=med.expert, case=case, mode="online", meeting_link="https://meet.example.cn/a",
        starts_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(people.applicant)
    ics = client.get(reverse("mediation:session_calendar", args=[session.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body and f"UID:{session.uid}@" in body and "SEQUENCE:0" in body
    client.logout()
    from cases.models import Notification

    sms = Notification.objects.filter(case=case, channel="sms", subject="调解会议通知").first()
    link = re.search(r"/mediation/invite/[^/]+/", sms.link).group(0)
    assert client.get(link).status_code == 200  # no login needed for the signed link
    assert client.get("/mediation/invite/forged/").status_code == 404
    outsider = complainant()
    client.force_login(outsider)
    assert client.get(reverse("mediation:session_calendar", args=[session.pk])).status_code == 404


def test_case_panel_shows_mediation_to_parties_and_staff(client, med, people):
    case = _mediating(med, people)
    client.force_login(people.applicant)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert 'id="mediation"' in html and "张调解" in html
    client.force_login(med.expert)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert reverse("mediation:work", args=[case.pk]) in html and "组织调解" in html
    bystander = UserFactory(roles=[Role.COMPLAINANT])
    client.force_login(bystander)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_form_pages_answer_garbage_with_400_never_500(client, med, people):
    case = _mediating(med, people)
    session = services.session_schedule(actor=med.expert, case=case, mode="in_person", place="第一调解室",
                                        starts_at=timezone.now() + datetime.timedelta(days=1))
    junk = {"mode": "boat", "date": "2026-13-45", "time": "25:61", "duration_minutes": "abc", "place": "长" * 500,
            "meeting_link": "javascript:alert(1)", "reason": "", "days": "9" * 30, "parties_agreed": "maybe",
            "terms": "", "performance_due": "2026-02-30", "amount": "1e999", "result": "??", "party": "x" * 40,
            "record-attendees": ["不存在的人"], "record-summary": "", "decision": "x", "ground": "x"}
    client.force_login(med.expert)
    for url in (reverse("mediation:session_new", args=[case.pk]),
                reverse("mediation:session_reschedule", args=[session.pk]),
                reverse("mediation:session_record", args=[session.pk]),
                reverse("mediation:agreement_edit", args=[case.pk]),
                reverse("mediation:extension", args=[case.pk]),
                reverse("mediation:release", args=[case.pk])):
        response = client.post(url, junk)
        assert response.status_code == 400, url
        _clean(_html(response))
    assert client.post(reverse("mediation:agreement_signature", args=[case.pk]), junk).status_code == 302
    client.force_login(people.respondent)
    assert client.post(reverse("mediation:recusal", args=[case.pk]), junk).status_code == 400
    session.refresh_from_db()
    case.refresh_from_db()
    assert session.status == "scheduled" and case.status == CaseStatus.MEDIATING
    assert not case.mediation_extensions.exists() and not case.recusal_requests.exists()
