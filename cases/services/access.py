"""Granting rights on cases (django-guardian object permissions) and roles (Groups).

Role (Group) says what kind of work a user does; the object permission says which
case. Services grant both; nothing else calls ``assign_perm`` for cases.
"""
from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import remove_perm

from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission, Role
from cases.permissions import case_perm_id
from cases.services.events import event_record, events_record

CASE_PERMS = ("view_case", "change_case")


# The grants below write guardian's rows themselves, as ``assign_perm`` would (one row per permission,
# an existing one kept: ON CONFLICT DO NOTHING on guardian's unique constraint), but in one INSERT and
# with the permission ids cached, instead of a lookup, a get_or_create and a savepoint per permission:
# a complaint is filed on the submission path (bench/intake.py). ``savepoint=False``: nothing here is
# meant to be caught and retried, and a savepoint is two more round trips.

@transaction.atomic(savepoint=False)
def case_grant_organization(*, case, organization, actor=None, perms=CASE_PERMS):
    """Let every member of ``organization`` see (and work on) ``case``."""
    CaseGroupObjectPermission.objects.bulk_create(
        [CaseGroupObjectPermission(group_id=organization.members_group_id, permission_id=case_perm_id(perm),
                                   content_object=case) for perm in perms],
        ignore_conflicts=True,
    )
    event_record(
        case=case, actor=actor, kind="access_granted",
        after={"organization": organization.pk, "perms": list(perms)},
    )


@transaction.atomic(savepoint=False)
def case_grant_users(*, case, users, actor=None, perms=("view_case",)):
    """Give users (the parties, an assigned mediator …) rights on ``case``: one ``access_granted`` event each."""
    users = list(users)
    if not users:
        return
    rows = {(user.pk, perm): CaseUserObjectPermission(user=user, permission_id=case_perm_id(perm), content_object=case)
            for user in users for perm in perms}
    CaseUserObjectPermission.objects.bulk_create(rows.values(), ignore_conflicts=True)
    events_record(case=case, actor=actor, kind="access_granted",
                  afters=[{"user": user.pk, "perms": list(perms)} for user in users])


def case_grant_user(*, case, user, actor=None, perms=("view_case",)):
    """Give one user (a party, an assigned mediator …) rights on ``case``."""
    case_grant_users(case=case, users=[user], actor=actor, perms=perms)


@transaction.atomic
def case_revoke_user(*, case, user, actor=None, perms=CASE_PERMS):
    for perm in perms:
        remove_perm(f"cases.{perm}", user, case)
    event_record(case=case, actor=actor, kind="access_revoked", after={"user": user.pk, "perms": list(perms)})


def ensure_role_groups() -> list[Group]:
    """Create the role Groups (idempotent)."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in Role]


@transaction.atomic
def user_set_roles(*, user, roles):
    """Make ``user``'s role Groups exactly ``roles``; keeps the organisation group."""
    role_names = {Role(r).value for r in roles}
    ensure_role_groups()
    current = set(user.groups.filter(name__in=[r.value for r in Role]).values_list("name", flat=True))
    user.groups.remove(*Group.objects.filter(name__in=current - role_names))
    user.groups.add(*Group.objects.filter(name__in=role_names - current))
    if user.organization_id:
        user.groups.add(user.organization.members_group)
    user.forget_groups()
