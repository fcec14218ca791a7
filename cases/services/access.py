"""Granting rights on cases (django-guardian object permissions) and roles (Groups).

Role (Group) says what kind of work a user does; the object permission says which
case. Services grant both; nothing else calls ``assign_perm`` for cases.
"""
from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from cases.models import Role
from cases.services.events import event_record

CASE_PERMS = ("view_case", "change_case")


@transaction.atomic
def case_grant_organization(*, case, organization, actor=None, perms=CASE_PERMS):
    """Let every member of ``organization`` see (and work on) ``case``."""
    for perm in perms:
        assign_perm(f"cases.{perm}", organization.members_group, case)
    event_record(
        case=case, actor=actor, kind="access_granted",
        after={"organization": organization.pk, "perms": list(perms)},
    )


@transaction.atomic
def case_grant_user(*, case, user, actor=None, perms=("view_case",)):
    """Give one user (a party, an assigned mediator …) rights on ``case``."""
    for perm in perms:
        assign_perm(f"cases.{perm}", user, case)
    event_record(case=case, actor=actor, kind="access_granted", after={"user": user.pk, "perms": list(perms)})


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
