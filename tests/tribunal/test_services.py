"""精审 through the real chain router: transfers received, docketed and closed; judicial confirmation;
a suit against an administrative decision; the 移送函."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CaseEvent, CaseStatus, Deadline, Notification, Tier
from cases.services.evidence import evidence_add
from cases.tribunal import services as tribunal
from cases.tribunal.models import ConfirmationRuling, CourtStage
from tests.tribunal.conftest import confirmation_filed, failed_to_court, pdf_file, pdf_text
from workflows import router

pytestmark = pytest.mark.django_db


def test_failed_mediation_to_court_docketed_and_judgment(court, people):
    case = failed_to_court(court, people)
    assert case.status == CaseStatus.TRANSFERRED and case.organization == court.station
    with pytest.raises(ValidationError):
        tribunal.transfer_docket(actor=court.court_clerk, case=case, court_reference="(2026)渝01知民初1号")
    stage = tribunal.transfer_acknowledge(actor=court.court_clerk, case=case)
    assert stage.acknowledged_by == court.court_clerk
    with pytest.raises(ValidationError):
        tribunal.transfer_acknowledge(actor=court.court_clerk, case=case)  # twice
    with pytest.raises(ValidationError) as exc:
        tribunal.transfer_docket(actor=court.court_clerk, case=case, court_reference="  ")
    assert "court_reference" in exc.value.message_dict
    tribunal.transfer_docket(actor=court.court_clerk, case=case, court_reference="(2026)渝01知民初1号")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_COURT and case.court_reference == "(2026)渝01知民初1号"
    assert Notification.objects.filter(case=case, subject="人民法院已立案").exists()
    with pytest.raises(ValidationError) as exc:
        router.court_close(actor=court.court_clerk, case=case, outcome="judgment",
                           decided_on=timezone.localdate() + datetime.timedelta(days=1), summary="x")
    assert "decided_on" in exc.value.message_dict
    router.court_close(actor=court.court_clerk, case=case, outcome="judgment", decided_on=timezone.localdate(),
                       summary="判决被告停止侵权并赔偿损失五万元。", document=pdf_file())
    case.refresh_from_db()
    stage.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED and case.tier == Tier.TRIBUNAL and case.closed_at
    assert stage.outcome == CourtStage.Outcome.JUDGMENT and stage.outcome_file.content_type == "application/pdf"
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"tribunal_transfer_acknowledged", "tribunal_docketed", "tribunal_outcome_recorded"} <= kinds


def test_outcome_document_must_be_a_pdf_and_roles_are_checked(court, people):
    case = failed_to_court(court, people)
    with pytest.raises(ValidationError):
        tribunal.transfer_acknowledge(actor=court.expert, case=case)  # a mediator
    tribunal.transfer_acknowledge(actor=court.court_clerk, case=case)
    with pytest.raises(ValidationError) as exc:
        router.court_close(actor=court.court_clerk, case=case, outcome="judgment", decided_on=timezone.localdate(),
                           summary="判决")
    assert "outcome" in exc.value.message_dict  # not docketed: only a withdrawal
    tribunal.transfer_docket(actor=court.court_clerk, case=case, court_reference="(2026)渝01知民初2号")
    with pytest.raises(ValidationError):
        router.court_close(actor=court.court_clerk, case=case, outcome="judgment", decided_on=timezone.localdate(),
                           summary="判决", document=pdf_file("a.txt", b"plain text"))
    with pytest.raises(ValidationError):
        router.court_close(actor=court.court_clerk, case=case, outcome="nonsense", decided_on=timezone.localdate(),
                           summary="判决")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_COURT
    router.court_close(actor=court.court_clerk, case=case, outcome="withdrawal", decided_on=timezone.localdate(),
                       summary="原告撤诉。")
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED


def test_judicial_confirmation_confirmed(court, people):
    case = confirmation_filed(court, people)
    assert case.status == CaseStatus.CONFIRMATION_PENDING and case.organization == court.station
    with pytest.raises(ValidationError):
        tribunal.confirmation_rule(actor=court.judge, case=case, confirmed=True)  # not yet accepted
    ruling = tribunal.confirmation_accept(actor=court.court_clerk, case=case)
    assert Deadline.objects.get(case=case, kind=tribunal.KIND_CONFIRMATION_RULING).state == Deadline.State.RUNNING
    with pytest.raises(ValidationError):
        tribunal.confirmation_accept(actor=court.court_clerk, case=case)
    with pytest.raises(ValidationError):
        router.confirmation_ruled(actor=court.court_clerk, case=case, confirmed=True)  # the judge rules
    router.confirmation_ruled(actor=court.judge, case=case, confirmed=True)
    case.refresh_from_db()
    ruling.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED and case.organization == court.committee
    assert ruling.confirmed is True and ruling.ruled_by == court.judge
    assert Deadline.objects.get(case=case, kind=tribunal.KIND_CONFIRMATION_RULING).state == Deadline.State.MET
    # Back to 调解成功 (a closing status): the agreement's performance follow-up keeps running.
    assert Deadline.objects.get(case=case, kind="mediation_performance").state == Deadline.State.RUNNING
    notes = Notification.objects.filter(case=case, subject="人民法院裁定确认调解协议有效", channel="in_app")
    assert {n.user for n in notes} == {people.applicant, people.respondent}


def test_judicial_confirmation_rejected_tells_the_parties_they_may_sue(court, people):
    case = confirmation_filed(court, people)
    tribunal.confirmation_accept(actor=court.judge, case=case)
    with pytest.raises(ValidationError) as exc:
        router.confirmation_ruled(actor=court.judge, case=case, confirmed=False, reasons="")
    assert "reasons" in exc.value.message_dict
    router.confirmation_ruled(actor=court.judge, case=case, confirmed=False, reasons="协议内容损害第三人合法权益")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED
    ruling = ConfirmationRuling.objects.get(case=case)
    assert ruling.confirmed is False and "第三人" in ruling.reasons
    body = Notification.objects.filter(case=case, subject="人民法院裁定驳回司法确认申请").first().body
    assert "提起诉讼" in body and "第三人" in body
    with pytest.raises(ValidationError):
        router.confirmation_ruled(actor=court.judge, case=case, confirmed=True)


def test_transfer_letter_lists_parties_claims_documents_and_evidence_hashes(court, people):
    case = failed_to_court(court, people)
    evidence = evidence_add(actor=people.applicant, case=case, uploaded_file=pdf_file("专利证书.pdf"),
                            description="专利证书")
    document = tribunal.transfer_package_build(actor=court.court_clerk, case=case)
    assert document.doc_type == "transfer_letter" and document.public is False
    assert document.organization == court.committee  # the institution that transferred it
    text = pdf_text(document)
    assert "移送函" in text and case.number in text and court.station.name in text
    assert "李明" in text and "重庆某某机械有限公司" in text
    assert evidence.sha256 in text
    for issued in case.documents.exclude(pk=document.pk).filter(superseded_by__isnull=True):
        assert issued.sha256 in text
    again = tribunal.transfer_package_build(actor=court.court_clerk, case=case)
    assert again.version == 2


def test_adjudication_suit_goes_to_court_and_is_docketed(office_chain, adj_case, drive, applicant_user):
    from cases.models import Role
    from tests.adjudication.conftest import applicant
    from tests.factories import staff

    case = adj_case()
    decision = drive.decide(case)
    drive.serve_decision(case, decision)
    router.adjudication_suit_filed(actor=office_chain.officer, case=case, party=applicant(case),
                                   court="重庆知识产权法庭", filed_on=timezone.localdate())
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.organization == office_chain.station
    clerk = staff(Role.TRIBUNAL_CLERK, office_chain.station)
    tribunal.transfer_acknowledge(actor=clerk, case=case)
    tribunal.transfer_docket(actor=clerk, case=case, court_reference="(2026)渝01行初7号")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_COURT and case.court_reference == "(2026)渝01行初7号"
    letter = tribunal.transfer_package_build(actor=clerk, case=case)
    assert letter.organization == office_chain.office
    assert decision.document.sha256 in pdf_text(letter)
