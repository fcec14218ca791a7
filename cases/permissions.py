"""Who may see and act on which case: role (Group) for the kind of work, guardian
object permission for the case itself. Fetch-and-check in one step, so a view
never holds a case the user may not see.
"""
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cases.models import (
    TERMINAL_STATUSES,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Evidence,
    Role,
)

# Roles that need full ID and phone numbers to do their work (serving documents,
# identifying parties at hearings). Everyone else sees them masked.
FULL_IDENTIFIER_ROLES = frozenset({
    Role.INTAKE_CLERK, Role.MEDIATOR, Role.COMMITTEE_DIRECTOR, Role.ENFORCEMENT_OFFICER,
    Role.ADJUDICATION_CHIEF, Role.TRIBUNAL_CLERK, Role.JUDGE, Role.SYSADMIN,
})

_perm_ids: dict[str, int] = {}


def _perm_id(codename: str) -> int:
    if codename not in _perm_ids:
        _perm_ids[codename] = Permission.objects.get(content_type__app_label="cases", codename=codename).pk
    return _perm_ids[codename]


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def visible_cases(user, perm: str = "view_case") -> QuerySet:
    """Every case ``user`` may see: its organisation's, its own, or its district's for supervisors."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if _is_admin(user):
        return Case.objects.all()
    if user.has_role(Role.SUPERVISOR) and perm == "view_case":
        org = user.organization
        if org is None:
            return Case.objects.none()
        return Case.objects.all() if org.district_id is None else Case.objects.filter(district_id=org.district_id)
    pid = _perm_id(perm)
    own = Exists(CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user_id=user.pk, permission_id=pid,
    ))
    group_ids = user.group_ids
    via_org = Exists(CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), group_id__in=group_ids, permission_id=pid,
    ))
    return Case.objects.filter(own | via_org)


def require_role(user, *roles):
    """403 unless ``user`` holds one of ``roles`` (admins hold them all)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if roles and not (_is_admin(user) or user.has_role(*roles)):
        raise PermissionDenied


def access_case(user, case_id, *, perm: str = "view_case", roles=()) -> Case:
    """The case ``case_id`` if ``user`` holds ``roles`` and ``perm`` on it; else 403 (role) or 404.

    A case the user may not see answers 404, exactly like one that does not exist,
    so its existence cannot be detected.
    """
    require_role(user, *roles)
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    case = visible_cases(user).select_related("organization", "district", "industry").filter(pk=case_id).first()
    if case is None:
        raise Http404
    if perm != "view_case" and not visible_cases(user, perm).filter(pk=case.pk).exists():
        raise PermissionDenied
    return case


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
    if _is_admin(user):
        return qs
    own_parties = list(case.parties.filter(user_id=user.pk).values_list("pk", flat=True))
    works_on_case = not own_parties and visible_cases(user, "change_case").filter(pk=case.pk).exists()
    if works_on_case:
        return qs
    from django.db.models import Q

    return qs.filter(
        Q(confidential=False) | Q(uploaded_by_id=user.pk) | Q(party_id__in=own_parties)
        | Q(party__represents_id__in=own_parties)
    )


def can_see_identifiers(user, party=None) -> bool:
    """Full ID and phone numbers: for roles that need them, and for a party's own record."""
    if _is_admin(user) or user.has_role(*FULL_IDENTIFIER_ROLES):
        return True
    return party is not None and party.user_id is not None and party.user_id == user.pk


def can_add_evidence(user, case) -> bool:
    """A party (or its agent) of the case, or staff who may work on it."""
    if case.status in TERMINAL_STATUSES:
        return False
    if case.parties.filter(user_id=user.pk).exists():
        return True
    return visible_cases(user, "change_case").filter(pk=case.pk).exists()
