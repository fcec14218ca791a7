"""The 速裁 pages: queues by role, every page's checks (403 role, 404 invisible), forms with bad input."""
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.adjudication import services as s
from cases.adjudication.models import (
    Answer,
    EvidenceVisibility,
    ExtensionRequest,
    FilingReview,
    PanelMember,
)
from cases.models import CaseStatus, Notification, Organization, Role, Tier
from cases.services.organizations import organization_create
from tests.adjudication.conftest import all_ok, applicant, at, respondent
from tests.factories import staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"workflows:adjudication:{name}", args=args)


def html(response):
    return response.content.decode()


def review_post(**overrides):
    data = {"action": "review", "review-proposal": "file", "review-reason_text": ""}
    for condition in ("standing", "respondent", "claims", "scope", "no_court"):
        data[f"review-{condition}_ok"] = "yes"
        data[f"review-{condition}_note"] = ""
    data.update(overrides)
    return data


# ---------- queues ----------

def test_officer_queue_lists_review_then_my_cases_by_next_deadline(client, office_chain, adj_case, drive, clock):
    ch = office_chain
    clock(date(2026, 9, 1))
    waiting = adj_case(respondent_name="重庆待审公司")
    early = drive.file(adj_case(respondent_name="重庆早期公司"))
    drive.panel(early)
    clock(date(2026, 9, 8))
    late = drive.file(adj_case(respondent_name="重庆后来公司"))
    drive.panel(late)
    other_office = organization_create(name="长寿区市场监督管理局", kind=Organization.Kind.IP_OFFICE,
                                       district=ch.district, number_abbr="长市监知裁")
    stranger = staff(Role.ENFORCEMENT_OFFICER, other_office)
    client.force_login(ch.officer)
    page = html(client.get(url("queue")))
    review_section = page[page.index("待立案审查"):page.index("我的案件")]
    assert "重庆待审公司" in review_section and "立案审查" in review_section
    mine = page[page.index("我的案件"):]
    assert mine.index(early.number) < mine.index(late.number), "soonest statutory deadline first"
    assert "送达答辩通知书" in mine  # the open step, from the flow
    clock(date(2026, 9, 20))  # early's serve deadline (7 Sept + 5 wd) is past: overdue
    client.force_login(ch.officer)  # (the session of the 8th has expired)
    page = html(client.get(url("queue")))
    row = re.search(rf"<tr class=\"row-overdue\">.*?{re.escape(early.number)}.*?</tr>", page, re.S)
    assert row and "已逾期" in row.group(0)
    client.force_login(stranger)
    page = html(client.get(url("queue")))
    assert "重庆待审公司" not in page and early.number not in page
    assert waiting.pk  # used


def test_chief_queue_shows_approvals_from_the_flow_and_overdue_cases(client, office_chain, adj_case, drive, clock):
    ch = office_chain
    clock(date(2026, 9, 1))
    case = adj_case()
    client.force_login(ch.chief)
    assert "目前没有待审批的事项" in html(client.get(url("queue")))
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    page = html(client.get(url("queue")))
    approvals = page[page.index("待我审批"):page.index("逾期案件")]
    assert "审批立案" in approvals and "重庆某某机械有限公司" in approvals
    s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True)
    approvals = html(client.get(url("queue")))
    assert "指定合议组" in approvals
    drive.panel(case)
    s.adjudication_request_extension(actor=ch.officer, case=case, reason="复杂")
    page = html(client.get(url("queue")))
    assert "审批延长期限" in page[page.index("待我审批"):page.index("逾期案件")]
    clock(date(2026, 9, 15))  # the 5-working-day service deadline has passed
    client.force_login(ch.chief)  # (a new session on the new day)
    page = html(client.get(url("queue")))
    overdue = page[page.index("逾期案件"):]
    assert case.number in overdue and "已逾期" in overdue


def test_home_cards_and_navigation_per_role(client, office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    client.force_login(ch.chief)
    page = html(client.get(reverse("home")))
    assert "速裁（行政裁决）" in page and "待我审批" in page
    assert re.search(r'stat-number">1</span> <span class="stat-label">待我审批', page)
    assert f'href="{url("queue")}"' in page and "速裁工作台" in page
    client.force_login(ch.investigator)
    assert "待出具技术调查意见" in html(client.get(reverse("home")))


# ---------- who may see what ----------

def test_pages_answer_403_for_other_roles_and_404_for_invisible_cases(client, office_chain, adj_case,
                                                                      applicant_user):
    ch = office_chain
    case = adj_case()
    other_office = organization_create(name="长寿区市场监督管理局", kind=Organization.Kind.IP_OFFICE,
                                       district=ch.district, number_abbr="长市监知裁")
    for name in ("workspace", "filing", "panel", "service", "evidence", "technical", "hearings", "procedure",
                 "decision", "chart"):
        client.force_login(applicant_user)
        assert client.get(url(name, case.pk)).status_code == 403, name
        client.force_login(ch.investigator)
        assert client.get(url(name, case.pk)).status_code == 403, name
        client.force_login(staff(Role.ENFORCEMENT_OFFICER, other_office))
        assert client.get(url(name, case.pk)).status_code == 404, name
        client.force_login(ch.officer)
        assert client.get(url(name, case.pk)).status_code == 200, name
    client.force_login(ch.clerk)
    assert client.get(url("queue")).status_code == 403
    assert client.get(url("party", case.pk)).status_code == 404  # not a party
    client.logout()
    assert client.get(url("workspace", case.pk)).status_code == 302


def test_officer_cannot_take_the_chiefs_decisions(client, office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    client.force_login(ch.officer)
    response = client.post(url("filing", case.pk), {"action": "decide", "decide-decision": "yes"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATION_REVIEW


# ---------- filing through the pages ----------

def test_review_and_approval_through_the_pages(client, office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    client.force_login(ch.officer)
    page = html(client.get(url("filing", case.pk)))
    assert "逐项审查受理条件" in page and "请求人是专利权人或者利害关系人" in page
    # A condition marked not met needs what was found; nothing is saved.
    response = client.post(url("filing", case.pk), review_post(**{"review-scope_ok": "no"}))
    assert response.status_code == 400
    assert "不符合的，请写明审查发现的情况" in html(response)
    assert not FilingReview.objects.exists()
    # The service's own rule: filing with a condition not met.
    response = client.post(url("filing", case.pk), review_post(**{"review-scope_ok": "no",
                                                                    "review-scope_note": "不在本区"}))
    assert response.status_code == 400 and "有受理条件不符合，不能立案" in html(response)
    response = client.post(url("filing", case.pk), review_post())
    assert response.status_code == 302
    assert FilingReview.objects.get().state == FilingReview.State.PENDING
    # Posting again: a message, not a second review.
    response = client.post(url("filing", case.pk), review_post(), follow=True)
    assert "正在等待负责人审批" in html(response)
    assert FilingReview.objects.count() == 1
    client.force_login(ch.chief)
    response = client.post(url("filing", case.pk), {"action": "decide", "decide-decision": "no"})
    assert response.status_code == 400 and "请写明退回或不批准的理由" in html(response)
    response = client.post(url("filing", case.pk), {"action": "decide", "decide-decision": "yes"}, follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATING
    assert f"已批准立案，案号{case.number}" in html(response)


def test_garbage_posts_never_500(client, office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    client.force_login(ch.officer)
    for data in ({}, {"action": "nonsense"}, {"action": "review", "review-standing_ok": "maybe"},
                 {"action": "review", **{f"review-{c}_note": "x" * 600 for c in ("standing", "scope")}}):
        response = client.post(url("filing", case.pk), data)
        assert response.status_code in (302, 400), data
    assert not FilingReview.objects.exists()


# ---------- panel ----------

def test_panel_form(client, office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(ch.chief)
    response = client.post(url("panel", case.pk), {
        "action": "appoint", "panel-members": [ch.officer.pk, ch.officer2.pk], "panel-presiding": ch.officer.pk})
    assert response.status_code == 400 and "三人以上的单数" in html(response)
    response = client.post(url("panel", case.pk), {
        "action": "appoint", "panel-members": [ch.officer.pk, ch.officer2.pk, ch.officer3.pk],
        "panel-presiding": ch.officer4.pk})
    assert response.status_code == 400 and "组长应从所选成员中指定" in html(response)
    response = client.post(url("panel", case.pk), {
        "action": "appoint", "panel-members": [ch.officer.pk, ch.officer2.pk, ch.officer3.pk],
        "panel-presiding": ch.officer2.pk})
    assert response.status_code == 302
    assert PanelMember.objects.get(adjudication__case=case, role="presiding").user == ch.officer2


# ---------- service and the answer ----------

def test_serve_the_answer_notice_and_receive_the_answer(client, office_chain, adj_case, drive, respondent_user):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(ch.officer)
    response = client.post(url("service", case.pk), {"action": "serve_request", "request-method": "in_app"})
    assert response.status_code == 302
    notice = s.current_answer_notice(case)
    assert notice.services.get().party == respondent(case)
    # The respondent is told, in the platform (and by SMS to the number on file).
    told = Notification.objects.filter(case=case, subject="文书送达", user=respondent_user)
    assert told.exists() and notice.number in told.first().body
    client.force_login(respondent_user)
    page = html(client.get(url("party", case.pk)))
    assert "答辩期至" in page
    response = client.post(url("party", case.pk), {"action": "answer", "answer-text": ""})
    assert response.status_code == 400 and "请填写答辩意见" in html(response)
    response = client.post(url("party", case.pk), {"action": "answer", "answer-text": "不构成侵权。"})
    assert response.status_code == 302
    answer = Answer.objects.get()
    client.force_login(ch.officer)
    response = client.post(url("service", case.pk), {"action": "forward", "forward-answer": answer.pk,
                                                     "forward-method": "in_app"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.forwarded_at is not None


def test_a_paper_answer_recorded_late_by_the_officer(client, office_chain, adj_case, drive, clock):
    ch = office_chain
    clock(date(2026, 9, 1))
    case = drive.file(adj_case())
    drive.serve_notice(case, received_at=at(date(2026, 9, 1), 9))
    clock(date(2026, 9, 30))
    client.force_login(ch.officer)
    response = client.post(url("service", case.pk), {
        "action": "paper_answer", "paper-party": respondent(case).pk, "paper-received_on": "2026-09-29",
        "paper-text": "书面答辩意见"}, follow=True)
    assert "逾期答辩" in html(response)
    assert Answer.objects.get().late


# ---------- evidence visibility ----------

def test_confidential_evidence_is_for_the_panel_not_the_other_party(client, office_chain, adj_case, drive,
                                                                    respondent_user, applicant_user):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(respondent_user)
    response = client.post(url("party", case.pk), {
        "action": "upload", "upload-file": SimpleUploadedFile("工艺参数.pdf", PDF, content_type="application/pdf"),
        "upload-description": "生产工艺", "upload-confidential": "on", "upload-reason": ""})
    assert response.status_code == 400 and "请写明保密理由" in html(response)
    response = client.post(url("party", case.pk), {
        "action": "upload", "upload-file": SimpleUploadedFile("工艺参数.pdf", PDF, content_type="application/pdf"),
        "upload-description": "生产工艺", "upload-confidential": "on", "upload-reason": "涉及商业秘密"})
    assert response.status_code == 302
    secret = case.evidence.get(original_name="工艺参数.pdf")
    assert EvidenceVisibility.objects.get(evidence=secret).confidential
    assert "工艺参数.pdf" in html(client.get(url("party", case.pk)))
    assert client.get(url("evidence_download", case.pk, secret.pk)).status_code == 200
    # The other party neither sees nor downloads it.
    client.force_login(applicant_user)
    assert "工艺参数.pdf" not in html(client.get(url("party", case.pk)))
    assert client.get(url("evidence_download", case.pk, secret.pk)).status_code == 404
    # The panel and the office do.
    client.force_login(ch.officer)
    page = html(client.get(url("evidence", case.pk)))
    assert "工艺参数.pdf" in page and "仅合议组可见" in page and "涉及商业秘密" in page
    assert client.get(url("evidence_download", case.pk, secret.pk)).status_code == 200
    # The party may open it to both sides again.
    client.force_login(respondent_user)
    response = client.post(url("party", case.pk), {"action": "visibility", "visibility-evidence": secret.pk,
                                                   "visibility-confidential": "no"})
    assert response.status_code == 302
    client.force_login(applicant_user)
    assert "工艺参数.pdf" in html(client.get(url("party", case.pk)))
    # But not someone else's evidence.
    response = client.post(url("party", case.pk), {"action": "visibility", "visibility-evidence": secret.pk,
                                                   "visibility-confidential": "yes", "visibility-reason": "x"})
    assert response.status_code in (302, 400)
    assert not EvidenceVisibility.objects.get(evidence=secret).confidential
    with pytest.raises(ValidationError):
        s.evidence_set_visibility(actor=applicant_user, case=case, evidence=secret, confidential=True, reason="x")


# ---------- technical investigator ----------

def test_investigator_sees_only_its_question_with_masked_identifiers(client, office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    drive.panel(case)
    evidence = case.evidence.first()
    client.force_login(ch.officer)
    response = client.post(url("technical", case.pk), {
        "action": "ask", "ask-investigator": ch.investigator.pk, "ask-questions": "散热片是否为波纹结构？",
        "ask-evidence": [evidence.pk] if evidence else [], "ask-working_days": "10"})
    assert response.status_code == 302
    question = case.adjudication.technical_questions.get()
    client.force_login(ch.investigator)
    queue = html(client.get(url("queue")))
    assert case.number in queue and "散热片是否为波纹结构" in queue
    page = html(client.get(url("question", question.pk)))
    assert "散热片是否为波纹结构" in page
    applicant_party = applicant(case)
    assert applicant_party.id_number not in page and applicant_party.phone not in page
    assert respondent(case).credit_code not in page
    assert client.get(url("workspace", case.pk)).status_code == 403
    response = client.post(url("question", question.pk), {"action": "opinion", "opinion-opinion": ""})
    assert response.status_code == 400
    response = client.post(url("question", question.pk), {"action": "opinion", "opinion-opinion": "是波纹结构。"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == "answered" and question.opinion_document is not None
    # The parties never see the internal opinion.
    client.force_login(case.parties.get(role="applicant").user)
    assert client.get(reverse("documents:download", args=[question.opinion_document_id])).status_code == 404


def test_another_investigator_cannot_open_the_question(client, office_chain, adj_case, drive):
    from tests.factories import UserFactory

    ch = office_chain
    case = drive.file(adj_case())
    question = s.adjudication_ask_technical(actor=ch.officer, case=case, investigator=ch.investigator, questions="q")
    other = UserFactory(roles=[Role.TECHNICAL_INVESTIGATOR])
    client.force_login(other)
    assert client.get(url("question", question.pk)).status_code == 404
    assert client.post(url("question", question.pk), {"action": "opinion", "opinion-opinion": "x"}).status_code == 404


# ---------- procedure and decision pages ----------

def test_chief_approves_an_extension_on_the_page(client, office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(ch.officer)
    response = client.post(url("procedure", case.pk), {"action": "extension_request", "extend-reason": ""})
    assert response.status_code == 400
    assert client.post(url("procedure", case.pk), {"action": "extension_request",
                                                   "extend-reason": "需要技术调查"}).status_code == 302
    assert client.post(url("procedure", case.pk), {"action": "extension_decide",
                                                   "edecide-decision": "yes"}).status_code == 403
    client.force_login(ch.chief)
    response = client.post(url("procedure", case.pk), {"action": "extension_decide", "edecide-decision": "yes"},
                           follow=True)
    request = ExtensionRequest.objects.get()
    assert request.state == ExtensionRequest.State.APPROVED
    assert "已批准延长办案期限至" in html(response)


def test_decision_then_suit_through_the_pages(client, office_chain, adj_case, drive, applicant_user):
    ch = office_chain
    case = drive.file(adj_case())
    drive.panel(case)
    drive.serve_notice(case)
    drive.forward(case, drive.answer(case))
    client.force_login(ch.officer2)
    response = client.post(url("decision", case.pk), {
        "action": "draft", "decision-infringement_found": "yes", "decision-acts": [],
        "decision-facts": "事实", "decision-reasoning": "理由", "submit": "1"})
    assert response.status_code == 400 and "请选择责令停止的行为" in html(response)
    response = client.post(url("decision", case.pk), {
        "action": "draft", "decision-infringement_found": "yes", "decision-acts": ["make", "sell"],
        "decision-product": "散热装置", "decision-facts": "事实", "decision-reasoning": "理由", "submit": "1"})
    assert response.status_code == 302
    client.force_login(ch.chief)
    assert client.post(url("decision", case.pk), {"action": "approve", "approve-decision": "yes"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATION_DECIDED
    decision = case.adjudication.decision
    drive.serve_decision(case, decision)
    client.force_login(applicant_user)
    page = html(client.get(url("party", case.pk)))
    assert "我已向法院起诉" in page
    response = client.post(url("suit", case.pk), {"suit-court": "重庆市第一中级人民法院",
                                                  "suit-filed_on": "2099-01-01"}, follow=True)
    assert "起诉日期不能晚于今天" in html(response)
    response = client.post(url("suit", case.pk), {"suit-court": "重庆市第一中级人民法院",
                                                  "suit-filed_on": decision.approved_at.date().isoformat()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.tier == Tier.TRIBUNAL and case.status == CaseStatus.TRANSFERRED


def test_chart_page_and_svg(client, office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(ch.chief)
    page = html(client.get(url("chart", case.pk)))
    assert "行政裁决" in page and "审批立案" in page and "已完成" in page
    process = case.adjudication_processes.order_by("pk").first()
    response = client.get(url("chart_svg", case.pk, process.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content and "指定合议组".encode() in response.content
    assert client.get(url("flows")).status_code == 200
    assert client.get(url("flow_svg", "AdjudicationFlow")).status_code == 200
    assert client.get(url("flow_svg", "Nope")).status_code == 404
    other = staff(Role.ENFORCEMENT_OFFICER, organization_create(
        name="长寿区市场监督管理局", kind=Organization.Kind.IP_OFFICE, district=ch.district, number_abbr="长市监知裁"))
    client.force_login(other)
    assert client.get(url("chart_svg", case.pk, process.pk)).status_code == 404


def test_case_page_panel(client, office_chain, adj_case, drive, respondent_user):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(ch.officer)
    page = html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "行政裁决（速裁）" in page and url("workspace", case.pk) in page
    client.force_login(respondent_user)
    page = html(client.get(reverse("cases:detail", args=[case.pk])))
    assert url("party", case.pk) in page and f'href="{url("workspace", case.pk)}"' not in page


def test_actions_not_possible_now_give_a_message(client, office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    client.force_login(ch.officer)
    response = client.post(url("hearings", case.pk), {"action": "record", "record-hearing": "1",
                                                      "record-attendees": "x", "record-record": "y"}, follow=True)
    assert response.status_code == 200 and "没有待进行的口头审理" in html(response)
    response = client.post(url("procedure", case.pk), {"action": "resume", "resume-reason": "x"}, follow=True)
    assert "不能办理此事项" in html(response)
