"""Who may do what in 快调: the role says what kind of work, the case permission says which case,
and the assignment says whose case it is. Fetch-and-check in one step; a case the user may
not see answers 404, a wrong role 403."""
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Role, Tier
from cases.permissions import access_case, require_role
from mediation.models import MediationExtension, MediationSession, RecusalRequest
from mediation.services.common import current_mediator, party_for_user

STAFF_ROLES = (Role.MEDIATOR, Role.COMMITTEE_DIRECTOR)
DIRECTOR_ROLES = (Role.COMMITTEE_DIRECTOR,)


def is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def is_director(user) -> bool:
    return user.is_authenticated and (is_admin(user) or user.has_role(Role.COMMITTEE_DIRECTOR))


def is_mediator(user) -> bool:
    return user.is_authenticated and user.has_role(Role.MEDIATOR)


def directs(user, case) -> bool:
    """A director of the committee that holds (or held) the case."""
    if not is_director(user):
        return False
    if is_admin(user):
        return True
    if user.organization_id is None:
        return False
    return user.organization_id == case.organization_id or case.numbers.filter(
        organization_id=user.organization_id, tier=Tier.MEDIATION).exists()


def handles(user, case) -> bool:
    """The mediator who accepted the case."""
    mediator = current_mediator(case)
    return mediator is not None and mediator.pk == user.pk


def access_staff_case(user, case_id, *, perm="view_case", director=False):
    """A case for mediation staff (a director when ``director``): 403 wrong role, 404 not visible."""
    return access_case(user, case_id, perm=perm, roles=DIRECTOR_ROLES if director else STAFF_ROLES)


def access_party_case(user, case_id):
    """A case and the principal party ``user`` acts as (itself or as agent); 404 for anyone else."""
    case = access_case(user, case_id)
    party = party_for_user(case, user)
    if party is None:
        raise Http404
    return case, party


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def access_session(user, session_id, *, staff=True) -> MediationSession:
    session = MediationSession.objects.select_related("case").filter(pk=_int(session_id)).first()
    if session is None:
        raise Http404
    if staff:
        access_staff_case(user, session.case_id)
    else:
        access_case(user, session.case_id)
    return session


def access_recusal(user, request_id) -> RecusalRequest:
    require_role(user, *DIRECTOR_ROLES)
    request = RecusalRequest.objects.select_related("case", "assignment__mediator", "party").filter(
        pk=_int(request_id)).first()
    if request is None:
        raise Http404
    access_staff_case(user, request.case_id, director=True)
    return request


def access_extension(user, extension_id) -> MediationExtension:
    require_role(user, *DIRECTOR_ROLES)
    extension = MediationExtension.objects.select_related("case", "deadline", "requested_by").filter(
        pk=_int(extension_id)).first()
    if extension is None:
        raise Http404
    access_staff_case(user, extension.case_id, director=True)
    return extension


def require_handler(user, case):
    """403 unless ``user`` is the case's mediator or a director of its committee."""
    if not (handles(user, case) or directs(user, case)):
        raise PermissionDenied
