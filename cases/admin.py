from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    actions = ["deactivate_users"]

    @admin.action(description=gettext_lazy("停用所选账号（立即结束其会话并作废令牌）"))
    def deactivate_users(self, request, queryset):
        from cases.audit.services import user_deactivate

        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            user_deactivate(actor=request.user, user=user, request=request, reason="admin action")
        self.message_user(request, _("已停用%(count)d个账号。") % {"count": len(users)})

    def save_model(self, request, obj, form, change):
        """Unticking 有效 in the form disables through the service: sessions and tokens end now."""
        disabling = change and "is_active" in form.changed_data and not obj.is_active
        if disabling:
            obj.is_active = True  # the service makes the change, after the other fields are saved
        super().save_model(request, obj, form, change)
        if disabling:
            from cases.audit.services import user_deactivate

            user_deactivate(actor=request.user, user=obj, request=request, reason="admin form")


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
