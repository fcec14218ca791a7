"""Organisations and their members."""
from django.contrib.auth.models import Group
from django.db import transaction

from cases.models import Organization
from cases.services.access import user_set_roles


@transaction.atomic
def organization_create(*, name, kind, district, number_abbr, address="", phone="") -> Organization:
    """Create an organisation with the Group that carries its case permissions (idempotent by name)."""
    existing = Organization.objects.filter(name=name).first()
    if existing:
        return existing
    group, _ = Group.objects.get_or_create(name=f"org:{name}")
    return Organization.objects.create(
        name=name, kind=kind, district=district, number_abbr=number_abbr,
        address=address, phone=phone, members_group=group,
    )


@transaction.atomic
def user_join_organization(*, user, organization, roles=()):
    """Make ``user`` a member of ``organization`` with the given roles."""
    if user.organization_id and user.organization_id != organization.pk:
        user.groups.remove(user.organization.members_group)
    user.organization = organization
    user.save(update_fields=["organization"])
    user.groups.add(organization.members_group)
    if roles:
        user_set_roles(user=user, roles=roles)
    return user
