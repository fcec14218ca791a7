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


def _enter(case, actor, route):
    """Enter the tier that ``route`` names."""
    if route == Route.MEDIATION:
        mediation.mediation_open(actor=actor, case=case)
    elif route == Route.ADJUDICATION:
        office = organization_for(case, Organization.Kind.IP_OFFICE)
        case_enter_tier(case=case, actor=actor, organization=office, status=CaseStatus.ADJUDICATION_REVIEW,
                        number=False, reason=_("转入行政裁决程序"))
    elif route == Route.LITIGATION:
        station = organization_for(case, Organization.Kind.CIRCUIT_STATION)
        case_enter_tier(case=case, actor=actor, organization=station, status=CaseStatus.TRANSFERRED,
                        number=False, reason=_("移送人民法院"))
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
