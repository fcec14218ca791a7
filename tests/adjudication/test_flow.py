"""The whole 速裁 flow through the services, with the flow (who acts next) checked at every step.

Runs on SQLite and on PostgreSQL (CI); the row-lock races are in ``test_concurrency.py``.
"""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from viewflow.workflow import chart

from cases.adjudication import services as s
from cases.adjudication.models import (
    AdjudicationProcess,
    Decision,
    FilingReview,
    Performance,
    SuspensionRequest,
    TechnicalQuestion,
)
from cases.adjudication.tasks import adjudication_timers
from cases.documents.models import Document
from cases.models import CaseStatus, Deadline, Organization, Tier
from tests.adjudication.conftest import all_ok, applicant, at, open_nodes, respondent
from workflows import router
from workflows.flows import adjudication as flows

pytestmark = pytest.mark.django_db


def due(case, kind):
    return Deadline.objects.filter(case=case, kind=kind).order_by("-id").first()


def test_the_whole_flow_to_a_final_decision_and_its_follow_up(office_chain, adj_case, clock, respondent_user):
    ch = office_chain
    clock(date(2026, 6, 29))  # Monday
    case = adj_case()
    adj = case.adjudication
    assert case.status == CaseStatus.ADJUDICATION_REVIEW and case.tier == Tier.ADJUDICATION
    assert case.organization == ch.office
    assert due(case, "adjudication_review").due_date == date(2026, 7, 6)  # 5 working days
    assert open_nodes(case) == ["review"]

    # 立案审查 → 审批 → 立案
    clock(date(2026, 7, 1))
    review = s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    assert open_nodes(case) == ["approve_filing"]
    s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True)
    review.refresh_from_db()
    case.refresh_from_db()
    assert review.state == FilingReview.State.APPROVED
    assert case.status == CaseStatus.ADJUDICATING
    assert case.number == "（2026）璧市监知裁字第0001号"
    assert due(case, "adjudication_review").state == Deadline.State.MET
    # Three months from 1 July end on 1 October, National Day: the next working day is 8 October.
    assert due(case, "adjudication_limit").due_date == date(2026, 10, 8)
    assert due(case, "adjudication_serve").due_date == date(2026, 7, 8)
    assert open_nodes(case) == ["appoint_panel", "serve_request"]

    # 合议组
    s.adjudication_appoint_panel(actor=ch.chief, case=case, members=[ch.officer, ch.officer2, ch.officer3],
                                 presiding=ch.officer)
    assert open_nodes(case) == ["serve_request"]

    # 送达答辩通知书 → 答辩 → 转送
    clock(date(2026, 7, 2))
    notice = s.adjudication_issue_answer_notice(actor=ch.officer, case=case)
    s.adjudication_serve(actor=ch.officer, case=case, document=notice, party=respondent(case), method="in_person",
                         received_at=at(date(2026, 7, 2), 9))
    assert due(case, "adjudication_serve").state == Deadline.State.MET
    assert due(case, f"adjudication_answer:{respondent(case).pk}").due_date == date(2026, 7, 17)
    assert open_nodes(case) == ["examine"]
    clock(date(2026, 7, 10))
    answer = s.adjudication_submit_answer(actor=respondent_user, case=case, party=respondent(case),
                                          text="不构成侵权。")
    assert not answer.late
    assert open_nodes(case) == ["examine", "forward_answer"]
    clock(date(2026, 7, 13))
    s.adjudication_forward_answer(actor=ch.officer, case=case, answer=answer)
    assert open_nodes(case) == ["examine"]

    # 技术调查
    clock(date(2026, 7, 14))
    question = s.adjudication_ask_technical(actor=ch.officer2, case=case, investigator=ch.investigator,
                                            questions="被控产品的散热片结构是否与权利要求1相同？",
                                            evidence=list(case.evidence.all()))
    assert question.deadline.due_date == date(2026, 7, 28)  # 10 working days
    assert open_nodes(case) == ["examine", "opinion"]
    clock(date(2026, 7, 20))
    s.adjudication_give_opinion(actor=ch.investigator, case=case, question=question, opinion="结构相同。")
    assert TechnicalQuestion.objects.get(pk=question.pk).state == TechnicalQuestion.State.ANSWERED
    assert open_nodes(case) == ["examine"]

    # 口头审理
    clock(date(2026, 7, 21))
    hearing = s.adjudication_schedule_hearing(actor=ch.officer, case=case, scheduled_at=at(date(2026, 7, 27), 9),
                                              place="璧山区市场监督管理局第一审理室")
    clock(date(2026, 7, 27), hour=11)
    s.adjudication_record_hearing(actor=ch.officer, case=case, hearing=hearing, attendees="双方当事人",
                                  record="请求人陈述……被请求人答辩……")

    # 中止 → 恢复: the limit moves by the 14 days stopped
    clock(date(2026, 7, 28))
    request = s.adjudication_request_suspension(
        actor=respondent_user, case=case, party=respondent(case), invalidation_number="4W123456",
        invalidation_accepted_on=date(2026, 7, 20), reason="已请求宣告涉案专利权无效并被受理。")
    assert open_nodes(case) == ["decide", "examine"]
    clock(date(2026, 7, 29))
    s.adjudication_decide_suspension(actor=ch.chief, case=case, request=request, grant=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATION_SUSPENDED
    assert due(case, "adjudication_limit").state == Deadline.State.STOPPED
    assert open_nodes(case) == ["examine", "resume"]
    clock(date(2026, 8, 12))
    s.adjudication_resume(actor=ch.officer, case=case, reason="国家知识产权局已作出维持专利权有效的审查决定。")
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATING
    limit = due(case, "adjudication_limit")
    assert limit.state == Deadline.State.RUNNING
    # 71 days were left on 29 July (to 8 October); they run again from 12 August.
    assert limit.due_date == date(2026, 10, 22)
    assert SuspensionRequest.objects.get(pk=request.pk).state == SuspensionRequest.State.RESUMED
    assert open_nodes(case) == ["examine"]

    # 延长办案期限 (the chief approves one month)
    clock(date(2026, 8, 20))
    ext = s.adjudication_request_extension(actor=ch.officer, case=case, reason="案情复杂。")
    assert open_nodes(case) == ["approve", "examine"]
    s.adjudication_decide_extension(actor=ch.chief, case=case, request=ext, approve=True)
    assert due(case, "adjudication_limit").due_date == date(2026, 11, 23)  # 22 November is a Sunday
    assert open_nodes(case) == ["examine"]

    # 赔偿调解 (no agreement)
    s.adjudication_start_mediation(actor=ch.officer, case=case)
    s.adjudication_end_mediation(actor=ch.officer, case=case, agreed=False, note="双方对赔偿数额分歧较大。")

    # 裁决书: drafted, returned once, approved
    clock(date(2026, 9, 1))
    s.adjudication_draft_decision(actor=ch.officer, case=case, infringement_found=True, acts=["make", "sell"],
                                  product="电池散热装置", facts="查明……", reasoning="认为……", submit=True)
    assert open_nodes(case) == ["approve_decision"]
    s.adjudication_decide_decision(actor=ch.chief, case=case, approve=False, note="请补充比对过程。")
    assert open_nodes(case) == ["examine"]
    s.adjudication_draft_decision(actor=ch.officer2, case=case, infringement_found=True, acts=["make", "sell"],
                                  product="电池散热装置", facts="查明（补充比对）……", reasoning="认为……",
                                  submit=True)
    clock(date(2026, 9, 3))
    decision = s.adjudication_decide_decision(actor=ch.chief, case=case, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATION_DECIDED
    assert decision.state == Decision.State.ISSUED and decision.document is not None
    assert "责令被请求人重庆某某机械有限公司立即停止" in decision.order and "赔偿" not in decision.order
    assert due(case, "adjudication_limit").state == Deadline.State.MET
    assert open_nodes(case) == ["serve_decision"]

    # 送达裁决书: the suit window runs 15 days from the last receipt
    clock(date(2026, 9, 4))
    for party in (applicant(case), respondent(case)):
        s.adjudication_serve(actor=ch.officer, case=case, document=decision.document, party=party, method="post",
                             received_at=at(date(2026, 9, 4), 9))
    window = due(case, "adjudication_suit_window")
    assert window.due_date == date(2026, 9, 20)  # 19 September is a Saturday; Sunday 20th is a 调休 working day
    assert open_nodes(case) == []

    # Not final while the window runs; the timer makes it final the day after.
    clock(date(2026, 9, 20))
    with pytest.raises(ValidationError):
        s.adjudication_make_final(actor=ch.officer, case=case)
    assert adjudication_timers.delay().get()["decisions_final"] == 0
    clock(date(2026, 9, 21))
    assert adjudication_timers.delay().get()["decisions_final"] == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATED and case.closed_at is not None
    performance = Performance.objects.get(adjudication=adj)
    assert performance.deadline.due_date == date(2026, 10, 21)
    assert open_nodes(case) == ["follow_up"]
    s.adjudication_close_performance(actor=ch.officer, case=case, performed=True, note="被请求人已停止制造、销售。")
    assert open_nodes(case) == []

    main = AdjudicationProcess.objects.filter(case=case, flow_class=flows.AdjudicationFlow).get()
    assert main.status == "DONE"
    assert not AdjudicationProcess.objects.filter(case=case, status="NEW").exists()
    # Every process of the case renders as a chart with its tasks' states.
    for process in AdjudicationProcess.objects.filter(case=case):
        grid = chart.calc_layout_data(process.flow_class)
        chart.calc_cell_status(process.flow_class, grid, process.pk)
        assert "<svg" in chart.grid_to_svg(grid)
    kinds = set(Document.objects.filter(case=case).values_list("doc_type", flat=True))
    assert {"filing_notice", "answer_notice", "hearing_notice", "technical_opinion", "suspension_notice",
            "resumption_notice", "adjudication_decision", "service_receipt"} <= kinds


def test_a_suit_within_the_window_moves_the_case_to_the_tribunal(office_chain, adj_case, drive, applicant_user):
    case = adj_case()
    decision = drive.decide(case)
    drive.serve_decision(case, decision)
    router.adjudication_suit_filed(actor=applicant_user, case=case, party=applicant(case),
                                   court="重庆市第一中级人民法院", filed_on=case.adjudication.decided_at.date(),
                                   court_reference="（2026）渝01行初123号")
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.tier == Tier.TRIBUNAL
    assert case.organization.kind == Organization.Kind.CIRCUIT_STATION
    assert case.adjudication.transferred_at is not None
    assert due(case, "adjudication_suit_window").state == Deadline.State.MET
    main = AdjudicationProcess.objects.get(case=case, flow_class=flows.AdjudicationFlow)
    assert main.status == "DONE"
    assert main.task_set.filter(flow_task=flows.AdjudicationFlow.transferred).exists()
    # The office still sees what it handled; the station now holds the case.
    assert case.events.filter(kind="adjudication_suit", public=True).exists()


def test_no_suit_after_the_window(office_chain, adj_case, drive, applicant_user, clock):
    clock(date(2026, 3, 2))
    case = adj_case()
    decision = drive.decide(case)
    drive.serve_decision(case, decision)
    clock(date(2026, 3, 30))
    with pytest.raises(ValidationError) as exc:
        router.adjudication_suit_filed(actor=applicant_user, case=case, party=applicant(case), court="法院",
                                       filed_on=date(2026, 3, 30))
    assert "起诉期已于2026年3月17日届满" in str(exc.value)


def test_refusal_with_reasons_ends_the_flow(office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    checks = all_ok(scope=False)
    s.adjudication_review(actor=ch.officer, case=case, checks=checks, proposal="refuse",
                          reason_text="请求人所称侵权行为发生地不在本区。")
    s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.closed_at is not None
    assert case.adjudication.refused_at is not None
    assert Document.objects.filter(case=case, doc_type="refusal_notice").count() == 1
    assert open_nodes(case) == []
    main = AdjudicationProcess.objects.get(case=case, flow_class=flows.AdjudicationFlow)
    assert main.status == "DONE" and main.task_set.filter(flow_task=flows.AdjudicationFlow.refused).exists()


def test_the_chief_returns_a_review_for_another_look(office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    with pytest.raises(ValidationError):
        s.adjudication_decide_filing(actor=ch.chief, case=case, approve=False)  # a reason is required
    s.adjudication_decide_filing(actor=ch.chief, case=case, approve=False, note="请核实请求人是否为专利权人。")
    assert open_nodes(case) == ["review"]
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    assert case.adjudication.reviews.count() == 2


def test_review_rules(office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    with pytest.raises(ValidationError) as exc:
        s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(standing=False), proposal="file")
    assert "不能立案" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="refuse")
    assert "均符合" in str(exc.value)
    incomplete = all_ok()
    del incomplete["no_court"]
    with pytest.raises(ValidationError) as exc:
        s.adjudication_review(actor=ch.officer, case=case, checks=incomplete, proposal="file")
    assert "尚未审查" in str(exc.value)
    assert not case.adjudication.reviews.exists()


def test_panel_must_be_an_odd_number_of_three_or_more(office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    for members in ([ch.officer], [ch.officer, ch.officer2], [ch.officer, ch.officer2, ch.officer3, ch.officer4]):
        with pytest.raises(ValidationError):
            s.adjudication_appoint_panel(actor=ch.chief, case=case, members=members, presiding=ch.officer)
    with pytest.raises(ValidationError):
        s.adjudication_appoint_panel(actor=ch.chief, case=case, members=[ch.officer, ch.officer2, ch.investigator],
                                     presiding=ch.officer)
    assert not case.adjudication.panel.exists()


def test_recusal_granted_leaves_the_panel_short_until_the_chief_completes_it(office_chain, adj_case, drive,
                                                                             applicant_user):
    ch = office_chain
    case = drive.file(adj_case())
    drive.panel(case)
    member = case.adjudication.panel.get(user=ch.officer3)
    recusal = s.adjudication_raise_recusal(actor=applicant_user, case=case, member=member, kind="request",
                                           ground="interest", reason="该成员曾为被请求人提供咨询。",
                                           party=applicant(case))
    assert "decide" in open_nodes(case)
    s.adjudication_decide_recusal(actor=ch.chief, case=case, recusal=recusal, granted=True)
    assert "replace" in open_nodes(case)
    assert case.adjudication.panel.filter(active=True).count() == 2
    with pytest.raises(ValidationError):  # the recused member cannot come back
        s.adjudication_appoint_panel(actor=ch.chief, case=case, members=[ch.officer, ch.officer2, ch.officer3],
                                     presiding=ch.officer)
    s.adjudication_appoint_panel(actor=ch.chief, case=case, members=[ch.officer, ch.officer2, ch.officer4],
                                 presiding=ch.officer)
    assert "replace" not in open_nodes(case)
    # A member's own declaration, refused with reasons.
    own = case.adjudication.panel.get(user=ch.officer2, active=True)
    with pytest.raises(ValidationError):
        s.adjudication_raise_recusal(actor=ch.officer, case=case, member=own, kind="declaration",
                                     ground="relationship", reason="……")
    declared = s.adjudication_raise_recusal(actor=ch.officer2, case=case, member=own, kind="declaration",
                                            ground="relationship", reason="与被请求人的经办人系同学。")
    s.adjudication_decide_recusal(actor=ch.chief, case=case, recusal=declared, granted=False,
                                  note="同学关系不影响公正处理。")
    assert case.adjudication.panel.filter(active=True).count() == 3


def test_settlement_by_mediation_closes_the_case(office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    drive.panel(case)
    drive.serve_notice(case)
    s.adjudication_start_mediation(actor=ch.officer, case=case)
    with pytest.raises(ValidationError):
        s.adjudication_end_mediation(actor=ch.officer, case=case, agreed=True, terms="")
    mediation = s.adjudication_end_mediation(actor=ch.officer, case=case, agreed=True, amount="50000",
                                             terms="被请求人赔偿请求人经济损失5万元并停止销售。", settles_case=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED and case.closed_at is not None
    assert mediation.agreement_document.doc_type == "mediation_agreement"
    assert not AdjudicationProcess.objects.filter(case=case, status="NEW").exists()
    main = AdjudicationProcess.objects.get(case=case, flow_class=flows.AdjudicationFlow)
    assert main.task_set.filter(flow_task=flows.AdjudicationFlow.mediated).exists()


def test_a_withdrawn_case_has_its_flows_closed_by_the_timer(office_chain, adj_case, applicant_user, drive):
    case = drive.file(adj_case())
    router.withdraw(actor=applicant_user, case=case)
    assert AdjudicationProcess.objects.filter(case=case, status="NEW").exists()
    assert adjudication_timers.delay().get()["flows_closed"] >= 1
    assert not AdjudicationProcess.objects.filter(case=case, status="NEW").exists()
    assert open_nodes(case) == []


def test_a_decision_needs_the_answer_period_over_and_open_work_done(office_chain, adj_case, drive):
    ch = office_chain
    case = drive.file(adj_case())
    drive.panel(case)
    with pytest.raises(ValidationError) as exc:
        drive.submit_decision(case)
    assert "答辩通知书尚未送达" in str(exc.value)
    drive.serve_notice(case)
    with pytest.raises(ValidationError) as exc:
        drive.submit_decision(case)
    assert "答辩期尚未届满" in str(exc.value)
    answer = drive.answer(case)
    with pytest.raises(ValidationError) as exc:
        drive.submit_decision(case)
    assert "尚未转送" in str(exc.value)
    drive.forward(case, answer)
    question = s.adjudication_ask_technical(actor=ch.officer, case=case, investigator=ch.investigator,
                                            questions="问题")
    with pytest.raises(ValidationError) as exc:
        drive.submit_decision(case)
    assert "技术调查意见尚未出具" in str(exc.value)
    s.adjudication_withdraw_question(actor=ch.officer, case=case, question=question, reason="不再需要。")
    drive.submit_decision(case)
    assert case.adjudication.decision.state == Decision.State.SUBMITTED
    # Only a panel member drafts.
    with pytest.raises(ValidationError):
        s.adjudication_draft_decision(actor=ch.officer4, case=case, infringement_found=False, facts="x",
                                      reasoning="y")


def test_a_dismissed_request_becomes_final_without_follow_up(office_chain, adj_case, drive, clock):
    clock(date(2026, 4, 1))
    case = adj_case()
    decision = drive.decide(case, found=False)
    assert decision.order == "驳回请求人李明的请求。"
    drive.serve_decision(case, decision)
    clock(date(2026, 4, 30))
    router.adjudication_decision_final(actor=office_chain.officer, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ADJUDICATED
    assert not Performance.objects.filter(adjudication=case.adjudication).exists()
    assert open_nodes(case) == []
    assert AdjudicationProcess.objects.get(case=case, flow_class=flows.AdjudicationFlow).status == "DONE"


def test_repeat_infringer_is_flagged_by_credit_code(office_chain, adj_case, drive):
    from tests.factories import credit_code

    first = adj_case()
    drive.decide(first)
    # Same credit code under another name: flagged, with the earlier case named.
    later = adj_case(respondent_name="重庆某某机械有限公司（更名后）")
    assert later.adjudication.repeat_infringer
    assert later.adjudication.repeat_cases == [first.number]
    assert later.events.filter(kind="adjudication_repeat_infringer").exists()
    # Another respondent is not.
    clean = adj_case(respondent_name="重庆另一公司", code=credit_code(seed=777))
    assert not clean.adjudication.repeat_infringer


def test_open_flag_on_other_open_cases_when_a_decision_finds_infringement(office_chain, adj_case, drive):
    open_case = adj_case()
    assert not open_case.adjudication.repeat_infringer
    decided = adj_case()
    drive.decide(decided)
    open_case.adjudication.refresh_from_db()
    assert open_case.adjudication.repeat_infringer
    assert open_case.adjudication.repeat_cases == [decided.number]
    assert open_case.events.filter(kind="adjudication_repeat_infringer").exists()
