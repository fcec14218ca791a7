from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.admin import GuardedModelAdmin

from cases import models
from cases.admin_calendar import HolidayOverrideAdmin
from cases.admin_mixins import ReadOnlyAdminMixin, is_sysadmin


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("平台", {"fields": ("full_name", "phone", "organization", "industries")}),
    )
    list_display = ("username", "full_name", "phone", "organization", "is_active")
    list_filter = ("organization", "groups", "is_active")
    search_fields = ("username", "full_name", "phone", "email")
    actions = ["deactivate_users", "reset_second_factor"]

    @admin.action(description=gettext_lazy("停用所选账号（立即结束其会话并作废令牌）"))
    def deactivate_users(self, request, queryset):
        from cases.audit.services import user_deactivate

        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            user_deactivate(actor=request.user, user=user, request=request, reason="admin action")
        self.message_user(request, _("已停用%(count)d个账号。") % {"count": len(users)})

    @admin.action(description=gettext_lazy("重置两步验证（手机丢失：删除验证器与备用验证码，下次登录重新绑定）"),
                  permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):
        from cases.audit.services import otp_devices_reset

        users = list(queryset)
        for user in users:
            otp_devices_reset(actor=request.user, user=user, request=request)
        self.message_user(request, _("已重置%(count)d个账号的两步验证，他们下次登录时须重新绑定验证器。")
                          % {"count": len(users)})

    def has_reset_second_factor_permission(self, request):
        """Only the system administrator (or a superuser) resets another person's second factor."""
        return is_sysadmin(request.user)

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
class CaseAdmin(ReadOnlyAdminMixin, GuardedModelAdmin):
    """Read-only: cases change only through the services (and so leave an audit record)."""

    list_display = ("number", "title", "organization", "tier", "status", "submitted_at")
    list_filter = ("tier", "status", "organization")
    search_fields = ("number", "title")


@admin.register(models.CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "case", "kind", "actor", "actor_role")
    list_filter = ("kind",)


admin.site.register(models.HolidayOverride, HolidayOverrideAdmin)
