"""The chain router: the one place that moves a case between tiers (DESIGN.md section 4).

Every entry point is a transaction that calls the leaving tier's service and then
the entering tier's. Views, the API and tasks call these functions; nothing else
moves a case from one tier to another.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.intake import services as intake
from cases.models import TERMINAL_STATUSES, CaseStatus, Organization, Route
from cases.services import case_change_status, case_enter_tier, organization_for
from mediation import services as mediation


def _to_station(case, actor, station, reason):
    """The case arrives at the circuit station as 已移送法院; its 移送函 is issued after commit by a task."""
    from cases.tribunal.tasks import enqueue_transfer_letter

    case_enter_tier(case=case, actor=actor, organization=station, status=CaseStatus.TRANSFERRED, number=False,
                    reason=reason)
    enqueue_transfer_letter(case)


def _enter(case, actor, route):
    """Enter the tier that ``route`` names."""
    if route == Route.MEDIATION:
        mediation.mediation_open(actor=actor, case=case)
        start_mediation_flow(case)
    elif route == Route.ADJUDICATION:
        from cases.adjudication.services import adjudication_receive
        from workflows.flows.adjudication import start_for

        adjudication_receive(actor=actor, case=case)
        start_for(case, actor)
    elif route == Route.LITIGATION:
        _to_station(case, actor, organization_for(case, Organization.Kind.CIRCUIT_STATION), _("移送人民法院"))
    else:
        raise ValidationError({"route": [_("请选择分流去向。")]}, code="route")


@transaction.atomic
def accept_complaint(*, actor, case, route, note=""):
    """受理 and route: mediation by default, adjudication for patent infringement, or the court."""
    decision = intake.intake_accept(actor=actor, case=case, route=route, note=note)
    case.refresh_from_db()
    _enter(case, actor, route)
    return decision


@transaction.atomic
def answer_mediation_invitation(*, actor, consent, agreed, reason="", channel="portal"):
    """A respondent agrees or refuses; a clear refusal ends mediation at once."""
    state = mediation.mediation_consent_answer(
        actor=actor, consent=consent, agreed=agreed, reason=reason, channel=channel,
    )
    if state == "refused":
        mediation.mediation_terminate(
            actor=actor, case=consent.case, reason=mediation.TerminationReason.RESPONDENT_REFUSED, note=reason,
        )
    return state


def next_routes(case) -> list[str]:
    """Where a case whose mediation failed may go next, at the applicant's choice."""
    if case.status != CaseStatus.MEDIATION_TERMINATED:
        return []
    routes = [Route.LITIGATION]
    if intake.route_allowed(case, Route.ADJUDICATION):
        routes.insert(0, Route.ADJUDICATION)
    return routes


@transaction.atomic
def continue_after_mediation(*, actor, case, route):
    """The applicant takes a failed mediation on: to adjudication (patent infringement) or the court."""
    if route not in next_routes(case):
        raise ValidationError({"route": [_("本案当前不能转入该程序。")]}, code="route")
    _enter(case, actor, route)


@transaction.atomic
def withdraw(*, actor, case, reason=""):
    """撤回: the applicant ends the case in whatever tier it is; every clock stops."""
    if case.status in TERMINAL_STATUSES:
        raise ValidationError(_("案件已经结束，不能撤回。"), code="closed")
    case_change_status(case=case, actor=actor, to=CaseStatus.WITHDRAWN, reason=reason or _("申请人撤回申请"))


# ---------- 速裁: leaving the tier after the decision ----------

@transaction.atomic
def adjudication_suit_filed(*, actor, case, party, court, filed_on, court_reference=""):
    """A party sued against the 行政裁决 within 15 days: the case goes to the circuit station (精审)."""
    from cases.adjudication.services import adjudication_record_suit

    suit = adjudication_record_suit(actor=actor, case=case, party=party, court=court, filed_on=filed_on,
                                    court_reference=court_reference)
    station = organization_for(case, Organization.Kind.CIRCUIT_STATION)
    case.refresh_from_db()
    _to_station(case, actor, station, _("当事人不服行政裁决向人民法院起诉，移送人民法院"))
    return suit


@transaction.atomic
def adjudication_decision_final(*, actor, case, today=None):
    """No suit within the window: the decision is final and stays in 速裁 for the performance follow-up."""
    from cases.adjudication.services import adjudication_make_final

    return adjudication_make_final(actor=actor, case=case, today=today)


# ---------- 快调: the mediation flow, termination, judicial confirmation, court delegation ----------

def start_mediation_flow(case):
    """Start the case's mediation process (who acts next, the chart) once the case entered 快调."""
    from workflows.flows.mediation import MediationFlow

    return MediationFlow.start.run(case=case)


@transaction.atomic
def terminate_mediation(*, actor, case, reason, note=""):
    """调解不成: 终止调解. The applicant then chooses the next route (``continue_after_mediation``);
    a case the court delegated goes back to the circuit station with its materials at once."""
    from mediation.models import CourtDelegation

    mediation.mediation_terminate(actor=actor, case=case, reason=reason, note=note)
    case.refresh_from_db()
    delegation = CourtDelegation.objects.filter(case_id=case.pk).select_related("station").first()
    if delegation is not None:
        _to_station(case, actor, delegation.station, _("调解不成，案件退回人民法院"))
        mediation.court_materials_returned(case=case, actor=actor)
    return case


@transaction.atomic
def apply_judicial_confirmation(*, actor, case, ip_address=None) -> bool:
    """A party joins the joint 司法确认 application; when every party has, it goes to the circuit station.

    Returns True when the application was filed (the case is then 司法确认中 at the station).
    """
    filed = mediation.judicial_join(actor=actor, case=case, ip_address=ip_address)
    if filed:
        mediation.judicial_file(actor=actor, case=case)
        case.refresh_from_db()
        station = organization_for(case, Organization.Kind.CIRCUIT_STATION)
        case_enter_tier(case=case, actor=actor, organization=station, status=CaseStatus.CONFIRMATION_PENDING,
                        number=False, reason=_("当事人共同申请司法确认"))
    return filed


@transaction.atomic
def delegate_to_mediation(*, actor, station, **kwargs):
    """委派/委托调解: the circuit station creates a case directly in 快调 (see ``mediation_open_delegated``)."""
    case = mediation.mediation_open_delegated(actor=actor, station=station, **kwargs)
    start_mediation_flow(case)
    return case


# ---------- 精审: the circuit station closes a case or sends it back ----------

@transaction.atomic
def court_close(*, actor, case, outcome, decided_on, summary, document=None):
    """The court's outcome (judgment, court mediation, withdrawal, dismissal): the case is 法院结案."""
    from cases.tribunal.services import court_outcome_record

    return court_outcome_record(actor=actor, case=case, outcome=outcome, decided_on=decided_on, summary=summary,
                                document=document)


@transaction.atomic
def confirmation_ruled(*, actor, case, confirmed, reasons="", document=None):
    """The judge's 司法确认 ruling: the case goes back to 快调 (调解成功) with the ruling stored; the committee
    follows up performance (confirmed) or the parties are told they may sue (rejected)."""
    from cases.services import case_move_to_organization
    from cases.tribunal.services import confirmation_rule

    ruling = confirmation_rule(actor=actor, case=case, confirmed=confirmed, reasons=reasons, document=document)
    case.refresh_from_db()
    committee = organization_for(case, Organization.Kind.MEDIATION_COMMITTEE)
    case_move_to_organization(case=case, organization=committee, actor=actor,
                              reason=_("司法确认程序结束，案件退回调解委员会"))
    return ruling
