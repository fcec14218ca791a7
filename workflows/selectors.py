"""Reads for the chain's pages: the intake queue, the triage screen, what a party may do next."""
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone

from cases import selectors as case_selectors
from cases.intake.models import IntakeDecision, RefusalGround, SupplementItem
from cases.intake.selectors import completeness, intake_queue, possible_duplicates
from cases.intake.services import limitation_expired
from cases.models import CaseStatus, Deadline, Party, Role, Route
from cases.pagination import Keyset
from cases.permissions import has_case_perm, own_parties, visible_cases
from cases.services.cases import TRANSITIONS
from workflows import router

INTAKE_ROLES = (Role.INTAKE_CLERK,)
# Soonest triage / supplement deadline first (no deadline last), then oldest complaint.
INTAKE_QUEUE_KEYS = Keyset("due_date", "submitted_at", "id")
CONSENT_RECORDING_ROLES = (Role.INTAKE_CLERK, Role.MEDIATOR, Role.COMMITTEE_DIRECTOR)


def _with_overdue(qs, today):
    return qs.annotate(overdue=ExpressionWrapper(Q(next_due__lt=today), output_field=BooleanField()))


def intake_queue_sections(user, today=None):
    """The clerk's queue: complaints to decide (soonest deadline first) and those waiting for 补正."""
    today = today or timezone.localdate()
    queue = _with_overdue(intake_queue(user), today)
    pending = queue.filter(status=CaseStatus.SUBMITTED)
    supplement = queue.filter(status=CaseStatus.SUPPLEMENT_REQUESTED)
    return {
        "pending": pending,
        "supplement": supplement,
        "today": today,
    }


def intake_counts(user, today=None) -> dict:
    """Numbers for the clerk's home page card and the queue's header, in one query."""
    today = today or timezone.localdate()
    late = Q(next_due__lt=today)  # the soonest running deadline is past
    counts = intake_queue(user).aggregate(
        pending=Count("pk", filter=Q(status=CaseStatus.SUBMITTED)),
        pending_overdue=Count("pk", filter=Q(status=CaseStatus.SUBMITTED) & late),
        supplement=Count("pk", filter=Q(status=CaseStatus.SUPPLEMENT_REQUESTED)),
        supplement_overdue=Count("pk", filter=Q(status=CaseStatus.SUPPLEMENT_REQUESTED) & late),
    )
    counts["overdue"] = counts["pending_overdue"] + counts["supplement_overdue"]  # = intake overdue_count()
    return counts


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def _decisions(case):
    """The clerk's earlier decisions on ``case``, each with the labels of what it listed."""
    decisions = list(IntakeDecision.objects.filter(case=case).select_related("decided_by"))
    for decision in decisions:
        decision.labels = (
            [_label(RefusalGround, g) for g in decision.grounds]
            + [_label(SupplementItem, i) for i in decision.missing_items]
        )
        decision.route_label = _label(Route, decision.route) if decision.route else ""
    return decisions


def triage(case, user) -> dict:
    """Everything the triage screen shows, besides the decision forms."""
    detail = case_selectors.case_detail(case, user)
    duplicates = possible_duplicates(case)
    visible = set(visible_cases(user).filter(pk__in=[d.pk for d in duplicates]).values_list("pk", flat=True))
    for duplicate in duplicates:
        duplicate.can_view = duplicate.pk in visible
    checklist = completeness(case)
    return {
        **detail,
        "checklist": checklist,
        "missing_count": sum(1 for item in checklist if not item.ok),
        "duplicates": duplicates,
        "limitation_expired": limitation_expired(case),
        "decisions": _decisions(case),
        "triage_deadline": Deadline.objects.filter(
            case=case, kind__in=["intake_triage", "intake_supplement"],
            state__in=[Deadline.State.RUNNING, Deadline.State.STOPPED],
        ).order_by("state", "due_date").first(),
    }


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def _may_change(user, case) -> bool:
    return has_case_perm(user, case, "change_case")


def case_actions(case, user) -> dict:
    """The chain's actions ``user`` may take on ``case`` from the case page (links, not permissions).

    The views check again; this only decides which links to show.
    """
    actions = {"withdraw": False, "next_route": False, "respond": False, "record_consent": False,
               "triage": False, "any_party": False, "any_staff": False}
    if user is None or not user.is_authenticated:
        return actions
    roles = {p.role for p in own_parties(user, case)}
    if Party.PartyRole.APPLICANT in roles:
        actions["withdraw"] = CaseStatus.WITHDRAWN in TRANSITIONS.get(case.status, ())
        actions["next_route"] = bool(router.next_routes(case))
    if Party.PartyRole.RESPONDENT in roles:
        actions["respond"] = True
    staff_ok = _is_admin(user)
    if case.status == CaseStatus.MEDIATION_CONSENT and (staff_ok or user.has_role(*CONSENT_RECORDING_ROLES)):
        actions["record_consent"] = _may_change(user, case)
    if case.status in (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT_REQUESTED) and (
        staff_ok or user.has_role(*INTAKE_ROLES)
    ):
        actions["triage"] = _may_change(user, case)
    actions["any_party"] = actions["withdraw"] or actions["next_route"] or actions["respond"]
    actions["any_staff"] = actions["record_consent"] or actions["triage"]
    return actions
