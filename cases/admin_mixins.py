"""Admin building blocks shared by every app's admin."""
from django.contrib import admin


class ReadOnlyAdminMixin:
    """For records that services write (with their audit trail): the admin shows them and never adds, changes or
    deletes one. Mix in before the ``ModelAdmin`` class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A plain read-only ``ModelAdmin``, e.g. to register several models as they are."""


def is_sysadmin(user) -> bool:
    """The system administrator role (or a superuser): the security pages and actions of the admin are theirs."""
    from cases.models import Role

    return user.is_active and (user.is_superuser or user.has_role(Role.SYSADMIN))
