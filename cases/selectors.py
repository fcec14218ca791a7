"""Reads for pages: constant query counts, whatever the number of rows."""
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Value, When

from cases.models import OPEN_STATUSES, CaseEvent, Deadline, Party, Role
from cases.pagination import PAGE_SIZE, Keyset
from cases.permissions import can_add_evidence, visible_cases, visible_evidence

__all__ = ["PAGE_SIZE"]
# Newest first; backed by the (submitted_at, id) index.
CASE_LIST_KEYS = Keyset("-submitted_at", "-id")
# Applicants first, then respondents, third parties, agents: the order of every official document.
_PARTY_ORDER = CaseWhen(
    *[When(role=role, then=Value(i)) for i, role in enumerate(Party.PartyRole.values)],
    default=Value(99), output_field=IntegerField(),
)


def case_list(user, *, status="", tier="", q="", open_only=False):
    """The cases ``user`` may see, newest first, with filters from the list page."""
    qs = visible_cases(user).select_related("organization", "industry")
    if status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier=tier)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if q:
        qs = qs.filter(number__icontains=q.strip()) | qs.filter(title__icontains=q.strip())
    return qs.order_by(*CASE_LIST_KEYS.order())


def case_detail(case, user):
    """Everything the case page shows, in a fixed number of queries."""
    staff = user.is_superuser or bool(user.roles - {Role.COMPLAINANT, Role.RESPONDENT})
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "id")
    if not staff:
        events = events.filter(public=True)
    evidence = list(visible_evidence(user, case).select_related("party").order_by("uploaded_at", "id"))
    hidden = set(case.evidence.filter(confidential=True).values_list("pk", flat=True)) - {e.pk for e in evidence}
    return {
        "parties": list(
            Party.objects.filter(case=case).select_related("represents")
            .annotate(role_order=_PARTY_ORDER).order_by("role_order", "id")
        ),
        "ip_rights": list(case.ip_rights.all()),
        "evidence": evidence,
        # An event naming a confidential file the reader may not see would reveal it.
        "events": [e for e in events if not (hidden and (e.after or {}).get("evidence") in hidden)],
        "deadlines": list(
            Deadline.objects.filter(case=case).exclude(state=Deadline.State.CANCELLED).order_by("due_date")
        ),
        "numbers": list(case.numbers.select_related("organization").order_by("created_at")),
        "is_staff_view": staff,
        "can_upload": can_add_evidence(user, case),
    }


def open_deadlines_for(user, limit=10):
    """Running deadlines on cases the user can see, for the roles the user holds, soonest first."""
    qs = Deadline.objects.filter(
        state=Deadline.State.RUNNING, case__in=visible_cases(user),
    ).select_related("case")
    if not (user.is_superuser or user.has_role(Role.SYSADMIN, Role.SUPERVISOR)):
        qs = qs.filter(responsible_role__in=[r.value for r in user.roles])
    return list(qs.order_by("due_date", "id")[:limit])

