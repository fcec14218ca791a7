"""The whole 快调 flow through the services and the chain router, and the viewflow process beside it.

Runs on SQLite and on PostgreSQL (CI): the row locks it takes are exercised under real
concurrency in ``test_concurrency``.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import CaseEvent, CaseStatus, Deadline, Notification, Tier
from cases.permissions import visible_cases
from mediation import matching, services
from mediation.flow import open_tasks
from mediation.models import CourtDelegation, MediationAssignment, MediationProcess, MediationSession
from tests.factories import credit_code, id_number, make_case
from tests.mediation.conftest import PASSWORD, in_mediation, new_case
from workflows import router

pytestmark = pytest.mark.django_db


def _steps(case):
    return sorted(t.flow_task.name for t in open_tasks(case))


def _tomorrow_at(hour=10):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _held(session):
    """Move a scheduled session into the past (as if its day had come)."""
    MediationSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    session.refresh_from_db()
    return session


def _agreement(med, case, **kwargs):
    services.agreement_save(
        actor=kwargs.pop("actor", med.expert), case=case,
        facts="被申请人制造、销售的电池散热装置落入涉案专利保护范围。",
        terms="被申请人立即停止制造、销售涉案产品\n被申请人赔偿申请人经济损失人民币五万元",
        performance="银行转账至申请人账户",
        performance_due=timezone.localdate() + datetime.timedelta(days=20), **kwargs)


def test_consent_starts_the_flow_and_opens_the_30_day_limit(med, people):
    case = new_case(med, people)
    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_CONSENT and case.tier == Tier.MEDIATION
    assert case.number.startswith(f"（{timezone.localdate().year}）璧知调字第")
    process = MediationProcess.objects.get(case=case)
    assert _steps(case) == ["consent"]
    router.answer_mediation_invitation(actor=people.respondent, consent=case.mediation_consents.get(), agreed=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT
    assert _steps(case) == ["assign"]
    limit = Deadline.objects.get(case=case, kind="mediation_limit")
    assert limit.unit == "days" and limit.length == 30 and limit.state == Deadline.State.RUNNING
    assert process.task_set.get(flow_task=process.flow_class.consent).status == STATUS.DONE
    assert Notification.objects.filter(case=case, user=med.director, subject="待指派调解员").exists()


def test_refusal_ends_mediation_at_once_and_routes_onward(med, people):
    case = new_case(med, people)
    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    case.refresh_from_db()
    router.answer_mediation_invitation(actor=people.respondent, consent=case.mediation_consents.get(),
                                       agreed=False, reason="我方认为不构成侵权，不同意调解")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
    process = MediationProcess.objects.get(case=case)
    assert process.status == PROCESS.DONE and process.finished is not None
    assert process.task_set.filter(flow_task=process.flow_class.terminated).exists()
    assert router.next_routes(case) == ["adjudication", "litigation"]
    router.continue_after_mediation(actor=people.applicant, case=case, route="litigation")
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.organization == med.station


def test_whole_flow_conflict_recusal_sessions_agreement_and_judicial_confirmation(med, people):
    respondent_code = credit_code()
    # An earlier case: 赵调解 acted as an agent against the same respondent (matched by credit code).
    earlier = make_case(organization=med.centre, parties=[
        {"role": "applicant", "kind": "person", "name": "钱某", "id_number": id_number()},
        {"role": "agent", "kind": "person", "name": "赵调解", "user": med.health, "represents": 0},
        {"role": "respondent", "kind": "organization", "name": "重庆某某机械有限公司", "credit_code": respondent_code},
    ])
    case = in_mediation(med, people, respondent_code=respondent_code)
    # Assignment: ranked by expertise and load; the conflicted mediator excluded with the reason shown.
    ranked = matching.candidates(case)
    assert [c.mediator for c in ranked] == [med.expert, med.generalist, med.health]
    excluded = ranked[-1]
    assert excluded.excluded and earlier.number in excluded.reasons[0] and "代理人" in excluded.reasons[0]
    with pytest.raises(ValidationError) as exc:
        services.mediation_assign(actor=med.director, case=case, mediator=med.health)
    assert "不能承办本案" in str(exc.value)
    services.mediation_assign(actor=med.director, case=case, mediator=med.expert)
    assert _steps(case) == ["accept"] and open_tasks(case).get().owner == med.expert
    services.mediation_assignment_accept(actor=med.expert, case=case, conflict=False)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and _steps(case) == ["mediate"]
    assert visible_cases(med.expert, "change_case").filter(pk=case.pk).exists()
    assert Deadline.objects.get(case=case, kind="mediation_limit").assignee == med.expert
    # Recusal requested by the respondent, granted; the case goes back for reassignment.
    request = services.recusal_request(actor=people.respondent, case=case, ground="relationship",
                                       reasons="调解员曾为申请人提供过专利咨询")
    services.recusal_decide(actor=med.director, request=request, grant=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT and _steps(case) == ["assign"]
    assert MediationAssignment.objects.get(case=case, mediator=med.expert).status == "recused"
    assert not case.user_permissions.filter(user=med.expert).exists()  # the personal grant is revoked
    recused = next(c for c in matching.candidates(case) if c.pk == med.expert.pk)
    assert recused.excluded and "已在本案回避" in recused.reasons
    services.mediation_assign(actor=med.director, case=case, mediator=med.generalist)
    services.mediation_assignment_accept(actor=med.generalist, case=case, conflict=False)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    # Two sessions, one online, one in person; the first rescheduled once.
    s1 = services.session_schedule(actor=med.generalist, case=case, mode="online", starts_at=_tomorrow_at(10),
                                   meeting_link="https://meeting.example.cn/r/1")
    s1 = services.session_reschedule(actor=med.generalist, session=s1, starts_at=_tomorrow_at(15),
                                     reason="被申请人代理人出差")
    assert s1.revision == 1
    notices = case.documents.filter(doc_type="session_notice", series=s1.series).order_by("version")
    assert [d.version for d in notices] == [1, 2] and notices[0].superseded_by == notices[1]
    services.session_record(actor=med.generalist, session=_held(s1), attendees=["李明", "王某"],
                            summary="双方陈述意见。", next_steps="第二次调解")
    s2 = services.session_schedule(actor=med.generalist, case=case, mode="in_person", starts_at=_tomorrow_at(14),
                                   place="璧山区知识产权纠纷人民调解委员会第一调解室")
    services.session_record(actor=med.generalist, session=_held(s2), attendees=["李明", "王某"], summary="达成一致。")
    # The agreement: confirmed by both parties with their passwords, signed, sealed.
    _agreement(med, case, actor=med.generalist)
    agreement = services.agreement_issue(actor=med.generalist, case=case)
    assert _steps(case) == ["confirm"]
    services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD, ip_address="10.0.0.1")
    with pytest.raises(ValidationError):
        services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD)  # twice: refused
    services.agreement_confirm(actor=people.respondent, case=case, password=PASSWORD, ip_address="10.0.0.2")
    agreement.refresh_from_db()
    assert agreement.status == "confirmed" and _steps(case) == ["sign"]
    event = CaseEvent.objects.filter(case=case, kind="mediation_agreement_confirmed").first()
    assert event.after["sha256"] == agreement.draft_document.sha256 and event.after["ip"] == "10.0.0.1"
    assert event.after["confirmed_at"] and event.ip_address == "10.0.0.1"
    with pytest.raises(ValidationError):
        services.agreement_sign(actor=med.expert, case=case)  # the recused mediator may not sign
    services.agreement_sign(actor=med.generalist, case=case)
    services.agreement_seal(actor=med.director, case=case)
    case.refresh_from_db()
    agreement.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED and agreement.status == "effective"
    assert agreement.document.version == 2 and agreement.draft_document.superseded_by_id == agreement.document_id
    assert agreement.document.services.count() == 2  # one copy per party (the platform keeps one)
    assert _steps(case) == ["follow_up", "judicial"]
    assert Deadline.objects.get(case=case, kind="mediation_limit").state == Deadline.State.MET
    # Joint application for judicial confirmation → the circuit station.
    assert router.apply_judicial_confirmation(actor=people.applicant, case=case) is False
    assert router.apply_judicial_confirmation(actor=people.respondent, case=case) is True
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMATION_PENDING and case.organization == med.station
    assert case.documents.filter(doc_type="confirmation_application").exists()
    assert _steps(case) == ["follow_up"]
    # The follow-up at the performance date closes the flow.
    services.followup_record(actor=med.generalist, case=case, result="performed", contact="电话回访李明")
    process = MediationProcess.objects.get(case=case)
    assert process.finished is not None
    assert process.task_set.filter(flow_task=process.flow_class.mediated).exists()


def test_judicial_confirmation_is_refused_for_ownership_or_validity(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    _agreement(med, case, concerns_ownership_or_validity=True)
    services.agreement_issue(actor=med.expert, case=case)
    services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD)
    services.agreement_confirm(actor=people.respondent, case=case, password=PASSWORD)
    services.agreement_sign(actor=med.expert, case=case)
    services.agreement_seal(actor=med.director, case=case)
    with pytest.raises(ValidationError) as exc:
        router.apply_judicial_confirmation(actor=people.applicant, case=case)
    assert "权属或效力" in str(exc.value)
    assert _steps(case) == ["follow_up"]  # the judicial step ended at once
    assert not Deadline.objects.filter(case=case, kind="mediation_judicial_confirmation").exists()


def test_termination_by_the_mediator(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    services.session_schedule(actor=med.expert, case=case, mode="in_person", starts_at=_tomorrow_at(9),
                              place="第一调解室")
    router.terminate_mediation(actor=med.expert, case=case, reason="no_agreement", note="赔偿数额分歧较大")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_TERMINATED
    assert MediationSession.objects.get(case=case).status == "cancelled"
    assert MediationAssignment.objects.get(case=case).status == "ended"
    notice = case.documents.get(doc_type="mediation_termination")
    assert notice.public
    process = MediationProcess.objects.get(case=case)
    assert process.finished is not None and not open_tasks(case).exists()
    router.continue_after_mediation(actor=people.applicant, case=case, route="adjudication")
    case.refresh_from_db()
    assert case.tier == Tier.ADJUDICATION


def test_extension_by_the_parties_agreement(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    limit = Deadline.objects.get(case=case, kind="mediation_limit")
    with pytest.raises(ValidationError) as exc:
        services.extension_request(actor=med.expert, case=case, days=15, reason="核对账目", parties_agreed=False,
                                   agreement_note="")
    assert "须经双方当事人同意" in str(exc.value)
    extension = services.extension_request(actor=med.expert, case=case, days=15, reason="双方需核对销售账目",
                                           parties_agreed=True, agreement_note="第一次会议双方口头同意，记入笔录")
    with pytest.raises(ValidationError):
        services.extension_request(actor=med.expert, case=case, days=5, reason="再延", parties_agreed=True,
                                   agreement_note="同意")
    services.extension_decide(actor=med.director, extension=extension, approve=True)
    limit_after = Deadline.objects.get(pk=limit.pk)
    assert limit_after.due_date >= limit.due_date + datetime.timedelta(days=15)
    assert CaseEvent.objects.filter(case=case, kind="deadline_extended").exists()
    rejected = services.extension_request(actor=med.expert, case=case, days=5, reason="再延五日",
                                          parties_agreed=True, agreement_note="电话同意")
    with pytest.raises(ValidationError):
        services.extension_decide(actor=med.director, extension=rejected, approve=False)  # a reason is required
    services.extension_decide(actor=med.director, extension=rejected, approve=False, note="已无必要")
    assert Deadline.objects.get(pk=limit.pk).due_date == limit_after.due_date


def test_decline_and_release_put_the_case_back(med, people):
    case = in_mediation(med, people)
    services.mediation_assign(actor=med.director, case=case, mediator=med.expert)
    services.mediation_assignment_decline(actor=med.expert, case=case, reason="近期出差")
    assert _steps(case) == ["assign"]
    services.mediation_assign(actor=med.director, case=case, mediator=med.generalist)
    services.mediation_assign(actor=med.director, case=case, mediator=med.expert)  # change of mind: re-offer
    assert MediationAssignment.objects.get(case=case, mediator=med.generalist).status == "withdrawn"
    assert open_tasks(case).get().owner == med.expert
    services.mediation_assignment_accept(actor=med.expert, case=case, conflict=True,
                                         statement="与被申请人法定代表人系同学")
    assert case.recusal_requests.get().kind == "disclosure"
    services.mediation_release(actor=med.expert, case=case, reason="工作调整")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT and _steps(case) == ["assign"]


def test_a_case_delegated_by_the_tribunal(med, people):
    parties = [
        {"role": "applicant", "kind": "organization", "name": "重庆某新能源科技有限公司", "credit_code": credit_code()},
        {"role": "respondent", "kind": "person", "name": "刘某", "id_number": id_number(), "phone": "13911112222"},
    ]
    case = router.delegate_to_mediation(
        actor=med.clerk_station, station=med.station, court_reference="（2026）渝0120民诉前调88号",
        kind="entrusted", simple_procedure=True, parties=parties, facts="被告销售侵权产品。", claims="停止侵权。",
        ip_rights=[{"kind": "trademark", "number": "", "title": "某某商标"}],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATION_ASSIGNMENT and case.organization == med.committee
    assert case.source == "court_entrusted" and case.court_reference == "（2026）渝0120民诉前调88号"
    assert not case.mediation_consents.exists()  # no consent step
    delegation = CourtDelegation.objects.get(case=case)
    limit = Deadline.objects.get(case=case, kind="mediation_limit")
    assert limit.length == 7 and delegation.due_date == limit.due_date and delegation.result == "pending"
    assert _steps(case) == ["assign"]
    services.mediation_claim(actor=med.generalist, case=case)
    router.terminate_mediation(actor=med.generalist, case=case, reason="no_agreement")
    case.refresh_from_db()
    delegation.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.organization == med.station
    assert delegation.result == "failed" and delegation.reported_at and delegation.materials_returned_at
    assert delegation.result_document.doc_type == "mediation_termination"
    assert Notification.objects.filter(user=med.clerk_station, subject="委派调解结果").exists()


def test_a_delegated_case_mediated_reports_success(med, people):
    parties = [
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number(), "user": people.applicant},
        {"role": "respondent", "kind": "organization", "name": "重庆某某机械有限公司", "credit_code": credit_code(),
         "user": people.respondent},
    ]
    case = router.delegate_to_mediation(
        actor=med.clerk_station, station=med.station, court_reference="（2026）渝0120民诉前调89号",
        kind="delegated", parties=parties, facts="事实", claims="请求")
    assert Deadline.objects.get(case=case, kind="mediation_limit").length == 30
    services.mediation_claim(actor=med.expert, case=case)
    _agreement(med, case)
    services.agreement_issue(actor=med.expert, case=case)
    services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD)
    services.agreement_confirm(actor=people.respondent, case=case, password=PASSWORD)
    services.agreement_sign(actor=med.expert, case=case)
    services.agreement_seal(actor=med.director, case=case)
    delegation = CourtDelegation.objects.get(case=case)
    assert delegation.result == "mediated" and delegation.result_document.doc_type == "mediation_agreement"


def test_delegation_input_is_checked(med):
    with pytest.raises(ValidationError) as exc:
        router.delegate_to_mediation(actor=med.clerk_station, station=med.committee, court_reference="",
                                     kind="other", parties=[], facts="", claims="")
    assert set(exc.value.message_dict) >= {"kind", "court_reference", "station"}


def test_withdrawal_closes_the_process_at_the_next_sweep(med, people):
    from mediation.tasks import mediation_deadline_sweep

    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    router.withdraw(actor=people.applicant, case=case, reason="已和解")
    mediation_deadline_sweep.delay()
    process = MediationProcess.objects.get(case=case)
    assert process.finished is not None or process.status == PROCESS.CANCELED
    assert not open_tasks(case).exists()
