from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from guardian.admin import GuardedModelAdmin

from cases import models
from cases.admin_calendar import HolidayOverrideAdmin


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("平台", {"fields": ("full_name", "phone", "organization", "industries")}),
    )
    list_display = ("username", "full_name", "phone", "organization", "is_active")
    list_filter = ("organization", "groups", "is_active")
    search_fields = ("username", "full_name", "phone", "email")


@admin.register(models.District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "abbr", "city")


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "district", "number_abbr")
    list_filter = ("kind", "district")


@admin.register(models.Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active")


@admin.register(models.Case)
class CaseAdmin(GuardedModelAdmin):
    """Read-only: cases change only through the services (and so leave an audit record)."""

    list_display = ("number", "title", "organization", "tier", "status", "submitted_at")
    list_filter = ("tier", "status", "organization")
    search_fields = ("number", "title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "case", "kind", "actor", "actor_role")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(models.HolidayOverride, HolidayOverrideAdmin)
