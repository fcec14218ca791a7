"""Who may see and act on which case: role (Group) for the kind of work, guardian
object permission for the case itself. Fetch-and-check in one step, so a view
never holds a case the user may not see.
"""
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Case as CaseWhen
from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from cases.models import (
    TERMINAL_STATUSES,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Evidence,
    Party,
    Role,
)

# Roles that need full ID and phone numbers to do their work (serving documents,
# identifying parties at hearings). Everyone else sees them masked.
FULL_IDENTIFIER_ROLES = frozenset({
    Role.INTAKE_CLERK, Role.MEDIATOR, Role.COMMITTEE_DIRECTOR, Role.ENFORCEMENT_OFFICER,
    Role.ADJUDICATION_CHIEF, Role.TRIBUNAL_CLERK, Role.JUDGE, Role.SYSADMIN,
})

_perm_ids: dict[str, int] = {}
# Applicants first, then respondents, third parties, agents: the order of every official document.
PARTY_ORDER = CaseWhen(
    *[When(role=role, then=Value(i)) for i, role in enumerate(Party.PartyRole.values)],
    default=Value(99), output_field=IntegerField(),
)
# What ``access_case`` learnt about the user and the case, kept on the user object for the rest of the
# request (the case page asks the same questions from several panels): {(question, case id): bool}.
_MEMO = "_case_access_memo"


def case_perm_id(codename: str) -> int:
    """The id of the ``cases`` permission ``codename``, read once per process (cleared after migrate and a test
    flush): the visibility filter and the grants write guardian's rows by id."""
    if codename not in _perm_ids:
        _perm_ids[codename] = Permission.objects.get(content_type__app_label="cases", codename=codename).pk
    return _perm_ids[codename]


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def visible_cases(user, perm: str = "view_case", *, ids_first: bool | None = None) -> QuerySet:
    """Every case ``user`` may see: its organisation's, its own, or its district's for supervisors.

    ``ids_first`` picks the SQL shape (never the rows): True for a caller that keeps only a few of the
    visible cases (a queue of one tier or status), which PostgreSQL then reads from the grant ids
    instead of walking every case in the city; the default decides by who the user is (below).
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if _is_admin(user):
        return Case.objects.all()
    if user.has_role(Role.SUPERVISOR) and perm == "view_case":
        org = user.organization
        if org is None:
            return Case.objects.none()
        return Case.objects.all() if org.district_id is None else Case.objects.filter(district_id=org.district_id)
    pid = case_perm_id(perm)
    own = CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=pid)
    via_org = CaseGroupObjectPermission.objects.filter(group_id__in=list(user.group_ids), permission_id=pid)
    if ids_first or (ids_first is None and user.organization_id is None):
        # A citizen (party, agent): a handful of cases, all granted in person. The ids first, each
        # arm from its unique (user|group, permission, case) index, then those cases by primary key.
        # UNION ALL, not UNION: IN ignores duplicates, and the planner can push ``id = …`` into both arms.
        ids = own.values("content_object_id").union(via_org.values("content_object_id"), all=True)
        return Case.objects.filter(pk__in=ids)
    # Staff: an organisation's thousands of cases. Walking the list's ordering index and probing the
    # grants per case stops after a page; the ids-first form above fetches and sorts every visible case
    # (PostgreSQL cannot estimate how many ids a UNION gives, so it never chooses the walk for it).
    return Case.objects.filter(
        Exists(own.filter(content_object=OuterRef("pk"))) | Exists(via_org.filter(content_object=OuterRef("pk"))),
    )


def held_cases(user, perm: str = "view_case") -> QuerySet:
    """The cases the user's organisation holds now, of those the user may see: a work queue's starting set.

    Why: a queue (intake, station) lists its own organisation's cases. Saying so lets PostgreSQL read
    those few thousand from ``case_org_status`` and probe the grants for them only, instead of probing
    the grants of every case in the city in that status (the intake counts at 1,000,000 cases: 83 ms to
    3 ms). It only narrows ``visible_cases``; a user without an organisation (a party) and an admin keep
    it whole, and so does a supervisor: a supervision office holds no cases, it watches its district's.
    """
    qs = visible_cases(user, perm)
    return qs.filter(organization_id=user.organization_id) if works_in_held_cases(user) else qs


def works_in_held_cases(user) -> bool:
    """Whether ``held_cases`` narrows to the user's organisation (staff of an organisation that holds cases)."""
    return bool(user.is_authenticated and user.organization_id and not _is_admin(user)
                and not user.has_role(Role.SUPERVISOR))


def require_role(user, *roles):
    """403 unless ``user`` holds one of ``roles`` (admins hold them all)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if roles and not (_is_admin(user) or user.has_role(*roles)):
        raise PermissionDenied


def access_case(user, case_id, *, perm: str = "view_case", roles=(), select_related=(), prefetch=(),
                annotate=None) -> Case:
    """The case ``case_id`` if ``user`` holds ``roles`` and ``perm`` on it; else 403 (role) or 404.

    A case the user may not see answers 404, exactly like one that does not exist,
    so its existence cannot be detected.
    """
    require_role(user, *roles)
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = visible_cases(user).select_related("organization", "district", "industry", *select_related)
    if prefetch:
        qs = qs.prefetch_related(*prefetch)
    # Asked once here, with the case, instead of again by every panel of the page.
    case = qs.annotate(
        may_change=Exists(visible_cases(user, "change_case").filter(pk=OuterRef("pk"))),
        has_rights=_rights_on(user), **(annotate or {}),
    ).filter(pk=case_id).first()
    if case is None:
        raise Http404
    user.__dict__[_MEMO] = {("change_case", case.pk): case.may_change, ("rights", case.pk): case.has_rights}
    if perm != "view_case" and not has_case_perm(user, case, perm):
        raise PermissionDenied
    return case


def _rights_on(user):
    """Any object permission on the case for the user in person or for the user's organisation."""
    direct = Exists(CaseUserObjectPermission.objects.filter(content_object=OuterRef("pk"), user_id=user.pk))
    org = user.organization
    if org is None or org.members_group_id is None:
        return direct
    return direct | Exists(CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), group_id=org.members_group_id,
    ))


def has_case_perm(user, case, perm: str = "change_case") -> bool:
    """``user`` holds ``perm`` on ``case`` (answered from ``access_case``'s memo when it asked already)."""
    known = user.__dict__.get(_MEMO, {}).get((perm, case.pk))
    if known is not None:
        return known
    return visible_cases(user, perm).filter(pk=case.pk).exists()


def has_case_rights(user, case) -> bool:
    """Any permission on ``case`` granted to ``user`` or to its organisation (the staff who handled it)."""
    known = user.__dict__.get(_MEMO, {}).get(("rights", case.pk))
    if known is not None:
        return known
    return Case.objects.filter(_rights_on(user), pk=case.pk).exists()


def case_parties(case) -> list[Party]:
    """The case's parties in document order, with whom each represents: from the page's prefetch when
    the view loaded them with the case (``case_parties_prefetch``), else one query."""
    if "parties" in getattr(case, "_prefetched_objects_cache", {}):
        return list(case.parties.all())
    return list(_parties_query().filter(case=case))


def _parties_query():
    return Party.objects.select_related("represents").annotate(role_order=PARTY_ORDER).order_by("role_order", "id")


def case_parties_prefetch():
    """The ``Prefetch`` that loads ``case_parties`` with the case."""
    return Prefetch("parties", queryset=_parties_query())


def own_parties(user, case) -> list[Party]:
    """The user's own party records in ``case`` (a party, or an agent of one)."""
    return [p for p in case_parties(case) if p.user_id is not None and p.user_id == user.pk]


def access_evidence(user, evidence_id) -> Evidence:
    """The evidence file if ``user`` may see its case and the file itself; else 404."""
    try:
        evidence_id = int(evidence_id)
    except (TypeError, ValueError):
        raise Http404 from None
    evidence = Evidence.objects.select_related("case").filter(pk=evidence_id, case__in=visible_cases(user)).first()
    if evidence is None or evidence.pk not in visible_evidence(user, evidence.case).values_list("pk", flat=True):
        raise Http404
    return evidence


def visible_evidence(user, case):
    """The case's evidence ``user`` may see. Confidential evidence (trade secrets …) is for the
    staff working on the case and the party that submitted it, not for the other parties or
    for supervisors. The caller has checked that the user may see the case."""
    qs = Evidence.objects.filter(case=case)
    own = _evidence_rule(user, case)
    if own is None:
        return qs
    return qs.filter(
        Q(confidential=False) | Q(uploaded_by_id=user.pk) | Q(party_id__in=own) | Q(party__represents_id__in=own)
    )


def _evidence_rule(user, case):
    """None when ``user`` sees all of the case's evidence (admins, staff working on the case), else the ids
    of the user's own parties: it sees the non-confidential files and its own side's."""
    if _is_admin(user):
        return None
    own = [p.pk for p in own_parties(user, case)]
    if not own and has_case_perm(user, case, "change_case"):
        return None
    return own


def evidence_visible_to(user, case, evidence_rows) -> list[Evidence]:
    """``visible_evidence``'s rule applied to rows already loaded (with ``party``): the same files."""
    own = _evidence_rule(user, case)
    if own is None:
        return list(evidence_rows)
    return [e for e in evidence_rows if not e.confidential or e.uploaded_by_id == user.pk
            or e.party_id in own or (e.party is not None and e.party.represents_id in own)]


def can_see_identifiers(user, party=None) -> bool:
    """Full ID and phone numbers: for roles that need them, and for a party's own record."""
    if _is_admin(user) or user.has_role(*FULL_IDENTIFIER_ROLES):
        return True
    return party is not None and party.user_id is not None and party.user_id == user.pk


def can_add_evidence(user, case) -> bool:
    """A party (or its agent) of the case, or staff who may work on it."""
    if case.status in TERMINAL_STATUSES:
        return False
    if own_parties(user, case):
        return True
    return has_case_perm(user, case, "change_case")
