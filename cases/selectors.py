"""Reads for pages: constant query counts, whatever the number of rows."""
from django.db.models import BooleanField, Exists, FilteredRelation, OuterRef, Prefetch, Value

from cases.models import OPEN_STATUSES, CaseEvent, CaseNumber, Deadline, Evidence, Role
from cases.pagination import PAGE_SIZE, Keyset
from cases.permissions import (
    can_add_evidence,
    case_parties,
    case_parties_prefetch,
    evidence_visible_to,
    held_cases,
    visible_cases,
    works_in_held_cases,
)

__all__ = ["PAGE_SIZE"]
# Newest first; backed by the (submitted_at, id) index.
CASE_LIST_KEYS = Keyset("-submitted_at", "-id")
# The tiers' one-to-one records that the panels of the case page (TIER_PANELS) read: joined to the case.
CASE_PAGE_RELATED = ("adjudication__office", "adjudication__decision", "court_stage", "court_delegation__station")
# Facts about the case that its page needs before deciding to read more rows, computed in the case's own
# query: {name: callable returning an expression over the case row}. Each tier adds its own (AppConfig.ready).
_PAGE_FACTS = {
    # Marks a case loaded for its page: a registered join that left no attribute found no row.
    "on_case_page": lambda: Value(True, output_field=BooleanField()),
    # A number besides the current one: only then does the page list them.
    "other_numbers": lambda: Exists(CaseNumber.objects.filter(case=OuterRef("pk")).exclude(text=OuterRef("number"))),
}


# Rows of a tier that a case has at most one of, joined to the case on its page: {name: (relation, callable
# returning the join's condition Q, the rows joined to that row)}. Each tier adds its own (AppConfig.ready).
_PAGE_JOINS = {}


def register_case_page_fact(name: str, expression):
    """Compute ``expression()`` (an ``Exists`` over the tier's rows, say) with the case on its page; the
    tier's panel reads it with ``case_page_fact`` and skips a query whose answer is known to be empty."""
    _PAGE_FACTS[name] = expression


def register_case_page_join(name: str, relation: str, condition, related=()):
    """Join the one row of ``relation`` (a reverse foreign key) that matches ``condition()`` to the case on its
    page, with its ``related`` rows: read with ``case_page_row``. Only for a condition that one row at most
    can meet (a unique constraint, or the row's own id), or the case would come back once per row."""
    _PAGE_JOINS[name] = (relation, condition, tuple(related))


def case_page_facts() -> dict:
    joins = {name: FilteredRelation(relation, condition=condition())
             for name, (relation, condition, _related) in _PAGE_JOINS.items()}
    return {**joins, **{name: make() for name, make in _PAGE_FACTS.items()}}


def case_page_related() -> tuple:
    """What the case page joins to the case: the tiers' one-to-one records and the registered rows."""
    joined = [f"{name}__{r}" if r else name for name, (_rel, _cond, related) in _PAGE_JOINS.items()
              for r in ("", *related)]
    return (*CASE_PAGE_RELATED, *joined)


def case_page_fact(case, name: str):
    """The fact computed with the case on its page, or None when the case was loaded otherwise (then ask)."""
    return case.__dict__.get(name)


NOT_JOINED = object()


def case_page_row(case, name: str):
    """The row joined to the case on its page as ``name`` (None: the case has none), or ``NOT_JOINED`` when
    the case was loaded otherwise (then ask)."""
    if name in case.__dict__:  # Django sets the attribute only when the joined row exists
        return case.__dict__[name]
    return None if case.__dict__.get("on_case_page") else NOT_JOINED


def case_page_prefetch():
    """The case's rows that several parts of the case page read, loaded once with the case."""
    return (
        case_parties_prefetch(),
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_date", "id")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("party").order_by("uploaded_at", "id")),
    )


def case_deadlines(case) -> list[Deadline]:
    """All the case's deadlines (cancelled ones too) by due date: from the page's prefetch, else one query."""
    if "deadlines" in getattr(case, "_prefetched_objects_cache", {}):
        return list(case.deadlines.all())
    return list(Deadline.objects.filter(case=case).order_by("due_date", "id"))


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


def recent_cases(user, limit=5) -> list:
    """The home page's newest cases: for staff, those their organisation holds (read from the organisation's
    index: a later tier's staff see old cases, and walking the city's newest to find them read 100,000
    buffers at 1M cases); for parties, supervisors and admins, every case they may see."""
    qs = held_cases(user).select_related("organization", "industry")
    return list(qs.order_by(*CASE_LIST_KEYS.order())[:limit])


def open_case_count(user) -> tuple[int, bool]:
    """The home page's "in progress" figure, and whether it counts the organisation's cases: for staff, the
    cases their organisation holds now (read from the organisation's index); for parties, supervisors and
    admins, every open case they may see."""
    return held_cases(user).filter(status__in=OPEN_STATUSES).count(), works_in_held_cases(user)


def case_detail(case, user):
    """Everything the case page shows, in a fixed number of queries."""
    staff = user.is_superuser or bool(user.roles - {Role.COMPLAINANT, Role.RESPONDENT})
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "id")
    if not staff:
        events = events.filter(public=True)
    if "evidence" in getattr(case, "_prefetched_objects_cache", {}):
        every = list(case.evidence.all())
    else:
        every = list(case.evidence.select_related("party").order_by("uploaded_at", "id"))
    evidence = evidence_visible_to(user, case, every)
    hidden = {e.pk for e in every if e.confidential} - {e.pk for e in evidence}
    return {
        "parties": case_parties(case),
        "ip_rights": list(case.ip_rights.all()),
        "evidence": evidence,
        # An event naming a confidential file the reader may not see would reveal it.
        "events": [e for e in events if not (hidden and (e.after or {}).get("evidence") in hidden)],
        "deadlines": [d for d in case_deadlines(case) if d.state != Deadline.State.CANCELLED],
        "numbers": [] if case_page_fact(case, "other_numbers") is False else
        list(case.numbers.select_related("organization").order_by("created_at")),
        "is_staff_view": staff,
        "can_upload": can_add_evidence(user, case),
    }


def open_deadlines_for(user, limit=10):
    """Running deadlines on cases the user can see, for the roles the user holds, soonest first."""
    # held, not every visible case: a deadline on a case another organisation now holds is not the user's to
    # meet, and walking every running deadline of the city to find the visible ones cost 200 ms at 1M cases.
    qs = Deadline.objects.filter(
        state=Deadline.State.RUNNING, case__in=held_cases(user),
    ).select_related("case")
    if not (user.is_superuser or user.has_role(Role.SYSADMIN, Role.SUPERVISOR)):
        qs = qs.filter(responsible_role__in=[r.value for r in user.roles])
    return list(qs.order_by("due_date", "id")[:limit])

