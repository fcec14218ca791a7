# ruff: noqa: F811 - fixtures imported by name for pytest are also parameter names
"""Every path of the chain (DESIGN.md section 4), table-driven, through ``workflows.router`` only.

Each row of ``PATHS`` is one journey of a case: a list of steps, each a named move that real staff or
parties make (the same service and router calls the pages and the API make), followed by the status,
tier and kind of organisation the case must be in afterwards. The table is the executable form of the
chain's rules; CI runs it on PostgreSQL (``.ci/run``), locally it runs on SQLite as well.

Nothing but the router moves a case between tiers: the last test checks that no module outside
``workflows/`` calls ``case_enter_tier`` or ``case_move_to_organization`` other than the services
that the router itself calls.
"""
import datetime
import pathlib
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases.intake import services as intake
from cases.models import CaseStatus, Notification, Organization, Role, Tier
from cases.tribunal import services as tribunal
from cases.tribunal.models import ConfirmationRuling, CourtStage
from mediation import services as med_services
from mediation.models import CourtDelegation
from tests.adjudication.conftest import Driver
from tests.adjudication.conftest import applicant as applicant_party
from tests.factories import credit_code, id_number, staff
from tests.mediation.conftest import PASSWORD, _fresh_permission_ids, med, new_case, people  # noqa: F401
from tests.tribunal.conftest import pdf_file
from workflows import router

pytestmark = pytest.mark.django_db

S = CaseStatus
K = Organization.Kind


@pytest.fixture
def world(med, people):
    """One district's whole chain: intake, committee, IP office with a panel, and the circuit station."""
    chain = SimpleNamespace(
        **vars(med),
        officer=staff(Role.ENFORCEMENT_OFFICER, med.office, full_name="刘勇"),
        officer2=staff(Role.ENFORCEMENT_OFFICER, med.office, full_name="陈静"),
        officer3=staff(Role.ENFORCEMENT_OFFICER, med.office, full_name="周涛"),
        chief=staff(Role.ADJUDICATION_CHIEF, med.office, full_name="赵志强"),
        judge=staff(Role.JUDGE, med.station, full_name="钱法官"),
        people=people,
    )
    chain.drive = Driver(chain, people.respondent)
    return chain


# -- the steps: each takes the world and the case (or None) and returns the case -------------------------


def complaint(w, case):
    return new_case(w, w.people)


def patent_complaint(w, case):
    return new_case(w, w.people, preferred_route="adjudication")


def delegated(w, case):
    return _delegate(w, "delegated")


def entrusted(w, case):
    return _delegate(w, "entrusted")


def _delegate(w, kind):
    parties = [
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number(), "phone": "13812345678",
         "user": w.people.applicant},
        {"role": "respondent", "kind": "organization", "name": "重庆某某机械有限公司",
         "credit_code": credit_code(), "phone": "13987654321", "user": w.people.respondent},
    ]
    return router.delegate_to_mediation(
        actor=w.clerk_station, station=w.station, court_reference="（2026）渝0120民诉前调7号", kind=kind,
        parties=parties, facts="被告销售侵权产品。", claims="停止侵权，赔偿损失。",
        ip_rights=[{"kind": "trademark", "number": "", "title": "某某商标"}])


def refuse(w, case):
    intake.intake_refuse(actor=w.clerk, case=case, grounds=["not_ip"])
    return case


def supplement(w, case):
    intake.intake_request_supplement(actor=w.clerk, case=case, items=["right_proof"])
    return case


def lapse(w, case):
    assert intake.intake_lapse(case=case, today=timezone.localdate() + datetime.timedelta(days=40)) is True
    return case


def supplement_answered(w, case):
    intake.intake_answer_supplement(actor=w.people.applicant, case=case, answer_text="已补充专利证书。")
    return case


def to_mediation(w, case):
    router.accept_complaint(actor=w.clerk, case=case, route="mediation")
    return case


def to_adjudication(w, case):
    router.accept_complaint(actor=w.clerk, case=case, route="adjudication")
    return case


def to_litigation(w, case):
    router.accept_complaint(actor=w.clerk, case=case, route="litigation")
    return case


def respondent_agrees(w, case):
    router.answer_mediation_invitation(actor=w.people.respondent, consent=case.mediation_consents.get(), agreed=True)
    return case


def respondent_refuses(w, case):
    router.answer_mediation_invitation(actor=w.people.respondent, consent=case.mediation_consents.get(),
                                       agreed=False, reason="不同意调解")
    return case


def mediator_takes(w, case):
    med_services.mediation_assign(actor=w.director, case=case, mediator=w.expert)
    med_services.mediation_assignment_accept(actor=w.expert, case=case, conflict=False)
    return case


def mediator_claims(w, case):
    med_services.mediation_claim(actor=w.expert, case=case)
    return case


def no_agreement(w, case):
    router.terminate_mediation(actor=w.expert, case=case, reason="no_agreement")
    return case


def agreement(w, case):
    med_services.agreement_save(
        actor=w.expert, case=case, facts="被申请人销售的产品落入涉案权利的保护范围。",
        terms="被申请人立即停止销售涉案产品\n被申请人赔偿申请人经济损失人民币三万元",
        performance="银行转账", performance_due=timezone.localdate() + datetime.timedelta(days=20))
    med_services.agreement_issue(actor=w.expert, case=case)
    med_services.agreement_confirm(actor=w.people.applicant, case=case, password=PASSWORD)
    med_services.agreement_confirm(actor=w.people.respondent, case=case, password=PASSWORD)
    med_services.agreement_sign(actor=w.expert, case=case)
    med_services.agreement_seal(actor=w.director, case=case)
    return case


def apply_confirmation(w, case):
    assert router.apply_judicial_confirmation(actor=w.people.applicant, case=case) is False
    assert router.apply_judicial_confirmation(actor=w.people.respondent, case=case) is True
    return case


def confirmation_accepted(w, case):
    tribunal.confirmation_accept(actor=w.clerk_station, case=case)
    return case


def confirmed(w, case):
    router.confirmation_ruled(actor=w.judge, case=case, confirmed=True)
    return case


def rejected(w, case):
    router.confirmation_ruled(actor=w.judge, case=case, confirmed=False, reasons="协议内容涉及专利权属，不予确认。")
    return case


def choose_court(w, case):
    router.continue_after_mediation(actor=w.people.applicant, case=case, route="litigation")
    return case


def choose_adjudication(w, case):
    router.continue_after_mediation(actor=w.people.applicant, case=case, route="adjudication")
    return case


def decided(w, case):
    decision = w.drive.decide(case)
    w.drive.serve_decision(case, decision)
    return case


def filed(w, case):
    w.drive.file(case)
    w.drive.panel(case)
    return case


def suspended(w, case):
    from cases.adjudication import services as adjudication

    request = adjudication.adjudication_request_suspension(
        actor=w.people.respondent, case=case, party=case.parties.get(role="respondent"),
        invalidation_number="4W112233", invalidation_accepted_on=timezone.localdate(),
        reason="已向国家知识产权局请求宣告涉案专利权无效并已受理。")
    adjudication.adjudication_decide_suspension(actor=w.chief, case=case, request=request, grant=True)
    return case


def resumed(w, case):
    from cases.adjudication import services as adjudication

    adjudication.adjudication_resume(actor=w.chief, case=case, reason="无效宣告请求已审查决定维持专利权有效。")
    return case


def suit(w, case):
    router.adjudication_suit_filed(actor=w.officer, case=case, party=applicant_party(case), court="重庆知识产权法庭",
                                   filed_on=timezone.localdate())
    return case


def final(w, case):
    from cases.models import Deadline

    window = Deadline.objects.filter(case=case, kind="adjudication_suit_window").order_by("-id").first()
    today = (window.due_date if window else timezone.localdate()) + datetime.timedelta(days=1)
    router.adjudication_decision_final(actor=None, case=case, today=today)
    return case


def acknowledged(w, case):
    tribunal.transfer_acknowledge(actor=w.clerk_station, case=case)
    return case


def docketed(w, case):
    tribunal.transfer_docket(actor=w.clerk_station, case=case, court_reference="（2026）渝01知民初9号")
    return case


def judgment(w, case):
    router.court_close(actor=w.clerk_station, case=case, outcome="judgment", decided_on=timezone.localdate(),
                       summary="判决被告停止侵权并赔偿损失。", document=pdf_file())
    return case


def court_mediation(w, case):
    router.court_close(actor=w.clerk_station, case=case, outcome="court_mediation", decided_on=timezone.localdate(),
                       summary="经法院主持调解，双方达成协议。")
    return case


def suit_withdrawn(w, case):
    router.court_close(actor=w.clerk_station, case=case, outcome="withdrawal", decided_on=timezone.localdate(),
                       summary="原告撤回起诉。")
    return case


def withdraw(w, case):
    router.withdraw(actor=w.people.applicant, case=case, reason="双方已自行和解")
    return case


# -- the table: (path, [(step, status, tier, kind of the organisation holding the case)]) ----------------

CENTRE, COMMITTEE, OFFICE, STATION = K.PROTECTION_CENTRE, K.MEDIATION_COMMITTEE, K.IP_OFFICE, K.CIRCUIT_STATION
IN, M, A, T = Tier.INTAKE, Tier.MEDIATION, Tier.ADJUDICATION, Tier.TRIBUNAL

PATHS = {
    "intake refuses": [
        (complaint, S.SUBMITTED, IN, CENTRE), (refuse, S.REFUSED, IN, CENTRE)],
    "supplement not answered: lapses": [
        (complaint, S.SUBMITTED, IN, CENTRE), (supplement, S.SUPPLEMENT_REQUESTED, IN, CENTRE),
        (lapse, S.LAPSED, IN, CENTRE)],
    "supplement answered, then mediation": [
        (complaint, S.SUBMITTED, IN, CENTRE), (supplement, S.SUPPLEMENT_REQUESTED, IN, CENTRE),
        (supplement_answered, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE)],
    "withdrawn at intake": [
        (complaint, S.SUBMITTED, IN, CENTRE), (withdraw, S.WITHDRAWN, IN, CENTRE)],
    "mediation succeeds": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_agrees, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (mediator_takes, S.MEDIATING, M, COMMITTEE),
        (agreement, S.MEDIATED, M, COMMITTEE)],
    "mediation succeeds, confirmation confirmed": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_agrees, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (mediator_takes, S.MEDIATING, M, COMMITTEE),
        (agreement, S.MEDIATED, M, COMMITTEE), (apply_confirmation, S.CONFIRMATION_PENDING, T, STATION),
        (confirmation_accepted, S.CONFIRMATION_PENDING, T, STATION), (confirmed, S.MEDIATED, M, COMMITTEE)],
    "mediation succeeds, confirmation rejected": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_agrees, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (mediator_takes, S.MEDIATING, M, COMMITTEE),
        (agreement, S.MEDIATED, M, COMMITTEE), (apply_confirmation, S.CONFIRMATION_PENDING, T, STATION),
        (confirmation_accepted, S.CONFIRMATION_PENDING, T, STATION), (rejected, S.MEDIATED, M, COMMITTEE)],
    "respondent refuses, court, judgment": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_refuses, S.MEDIATION_TERMINATED, M, COMMITTEE), (choose_court, S.TRANSFERRED, T, STATION),
        (acknowledged, S.TRANSFERRED, T, STATION), (docketed, S.IN_COURT, T, STATION),
        (judgment, S.COURT_CLOSED, T, STATION)],
    "mediation fails, court mediation": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_agrees, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (mediator_takes, S.MEDIATING, M, COMMITTEE),
        (no_agreement, S.MEDIATION_TERMINATED, M, COMMITTEE), (choose_court, S.TRANSFERRED, T, STATION),
        (acknowledged, S.TRANSFERRED, T, STATION), (docketed, S.IN_COURT, T, STATION),
        (court_mediation, S.COURT_CLOSED, T, STATION)],
    "mediation fails, patent case to adjudication, final": [
        (patent_complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_refuses, S.MEDIATION_TERMINATED, M, COMMITTEE),
        (choose_adjudication, S.ADJUDICATION_REVIEW, A, OFFICE), (decided, S.ADJUDICATION_DECIDED, A, OFFICE),
        (final, S.ADJUDICATED, A, OFFICE)],
    "adjudication decided, suit, court judgment": [
        (patent_complaint, S.SUBMITTED, IN, CENTRE), (to_adjudication, S.ADJUDICATION_REVIEW, A, OFFICE),
        (decided, S.ADJUDICATION_DECIDED, A, OFFICE), (suit, S.TRANSFERRED, T, STATION),
        (acknowledged, S.TRANSFERRED, T, STATION), (docketed, S.IN_COURT, T, STATION),
        (judgment, S.COURT_CLOSED, T, STATION)],
    "adjudication suspended and resumed, then withdrawn": [
        (patent_complaint, S.SUBMITTED, IN, CENTRE), (to_adjudication, S.ADJUDICATION_REVIEW, A, OFFICE),
        (filed, S.ADJUDICATING, A, OFFICE), (suspended, S.ADJUDICATION_SUSPENDED, A, OFFICE),
        (resumed, S.ADJUDICATING, A, OFFICE), (withdraw, S.WITHDRAWN, A, OFFICE)],
    "litigation chosen at intake, suit withdrawn before docketing": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_litigation, S.TRANSFERRED, T, STATION),
        (acknowledged, S.TRANSFERRED, T, STATION), (suit_withdrawn, S.COURT_CLOSED, T, STATION)],
    "withdrawn during mediation": [
        (complaint, S.SUBMITTED, IN, CENTRE), (to_mediation, S.MEDIATION_CONSENT, M, COMMITTEE),
        (respondent_agrees, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (withdraw, S.WITHDRAWN, M, COMMITTEE)],
    "court delegates, mediation succeeds": [
        (delegated, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (mediator_claims, S.MEDIATING, M, COMMITTEE),
        (agreement, S.MEDIATED, M, COMMITTEE)],
    "court entrusts, mediation fails, back to the court": [
        (entrusted, S.MEDIATION_ASSIGNMENT, M, COMMITTEE), (mediator_claims, S.MEDIATING, M, COMMITTEE),
        (no_agreement, S.TRANSFERRED, T, STATION), (acknowledged, S.TRANSFERRED, T, STATION),
        (docketed, S.IN_COURT, T, STATION), (judgment, S.COURT_CLOSED, T, STATION)],
}


@pytest.mark.parametrize("path", list(PATHS))
def test_path(world, path):
    case = None
    for number, (step, status, tier, kind) in enumerate(PATHS[path], 1):
        case = step(world, case)
        case.refresh_from_db()
        where = f"{path}: step {number} ({step.__name__})"
        assert (case.status, case.tier, case.organization.kind) == (status, tier, kind), where
    _check_the_end(world, path, case)


def _check_the_end(w, path, case):
    """What the parties and the court see once the journey is over."""
    if case.status == S.COURT_CLOSED:
        stage = CourtStage.objects.get(case=case)
        assert stage.closed_by == w.clerk_station and case.closed_at is not None
        assert Notification.objects.filter(case=case, subject="人民法院已结案").exists()
    if "confirmation" in path:
        ruling = ConfirmationRuling.objects.get(case=case)
        assert ruling.confirmed is ("confirmed" in path) and ruling.ruled_by == w.judge
        assert Notification.objects.filter(case=case, subject__startswith="人民法院裁定").exists()
    if path.startswith("court "):
        delegation = CourtDelegation.objects.get(case=case)
        if "fails" in path:
            assert delegation.result == CourtDelegation.Result.FAILED and delegation.materials_returned_at
        else:
            assert delegation.result == CourtDelegation.Result.MEDIATED and delegation.reported_at


def test_the_table_reaches_every_status_and_every_tier():
    """A new status or tier without a path in the table fails here: the table must grow with the chain."""
    reached = {status for steps in PATHS.values() for _step, status, _tier, _kind in steps}
    assert reached == set(CaseStatus), set(CaseStatus) - reached
    assert {tier for steps in PATHS.values() for _s, _st, tier, _k in steps} == set(Tier)


MOVERS = re.compile(r"\b(case_enter_tier|case_move_to_organization)\(")
# The router, the core service that defines the move, and the two tier-entry services the router calls.
ALLOWED_MOVERS = {"workflows/router.py", "cases/services/cases.py",
                  "cases/adjudication/services/filing.py", "mediation/services/consent.py"}


def test_nothing_but_the_router_and_its_services_moves_a_case_between_tiers():
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for source in root.glob("**/*.py"):
        relative = source.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/")) or "/migrations/" in relative:
            continue
        if MOVERS.search(source.read_text(encoding="utf-8")) and relative not in ALLOWED_MOVERS:
            offenders.append(relative)
    assert offenders == []
