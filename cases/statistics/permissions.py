"""Who may do what with statistics and typical cases (fetch and check in one step)."""
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import TERMINAL_STATUSES, Role
from cases.permissions import require_role, visible_cases
from cases.statistics.models import TypicalCase
from cases.statistics.selectors import scope_for

PROPOSER_ROLES = (Role.COMMITTEE_DIRECTOR, Role.ADJUDICATION_CHIEF)
REVIEWER_ROLES = (Role.SUPERVISOR,)


def can_propose(user) -> bool:
    return user.is_authenticated and user.organization_id is not None and user.has_role(*PROPOSER_ROLES)


def can_review(user) -> bool:
    return user.is_authenticated and user.organization_id is not None and user.has_role(*REVIEWER_ROLES)


def proposable_cases(user):
    """Closed cases the user may propose: visible to a director or chief, not proposed or published yet."""
    require_role(user, *PROPOSER_ROLES)
    active = TypicalCase.objects.filter(state__in=[TypicalCase.State.PROPOSED, TypicalCase.State.PUBLISHED])
    return (
        visible_cases(user).filter(status__in=TERMINAL_STATUSES)
        .exclude(pk__in=active.values("case_id")).select_related("organization", "industry")
    )


def typical_cases_for(user):
    """The proposals a user follows: a director's organisation's, a supervisor's scope's."""
    qs = TypicalCase.objects.select_related("case", "organization", "proposed_by", "industry")
    if can_review(user):
        scope = scope_for(user)
        return qs.filter(district_id=scope.district_id) if scope.district_id else qs
    if can_propose(user):
        return qs.filter(organization_id=user.organization_id)
    if user.is_superuser or user.has_role(Role.SYSADMIN):
        return qs
    raise PermissionDenied


def access_for_review(user, pk) -> TypicalCase:
    """A proposal a supervisor may review (in their district; the city for a city-level one); else 404."""
    require_role(user, *REVIEWER_ROLES)
    if not can_review(user):
        raise PermissionDenied
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    typical = typical_cases_for(user).filter(pk=pk).first()
    if typical is None:
        raise Http404
    return typical
