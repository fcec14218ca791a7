"""The audit log in the admin: read-only, for system administrators only."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin_mixins import ReadOnlyAdminMixin, is_sysadmin
from cases.audit.models import AuditLog
from cases.masking import mask_phone


class SysadminReadOnly(ReadOnlyAdminMixin):
    """Shown to system administrators only, and to them read-only."""

    def has_module_permission(self, request):
        return is_sysadmin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_sysadmin(request.user)


@admin.register(AuditLog)
class AuditLogAdmin(SysadminReadOnly, admin.ModelAdmin):
    list_display = ("at", "shown_username", "action", "result", "object_type", "object_id", "ip", "organization")
    list_filter = ("action", "result", ("at", admin.DateFieldListFilter), "organization")
    search_fields = ("username", "object_id", "ip")
    date_hierarchy = "at"
    list_select_related = ("organization",)
    readonly_fields = [f.name for f in AuditLog._meta.fields]
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    @admin.display(description=_("登录名"), ordering="username")
    def shown_username(self, obj):
        """A failed login may have typed a phone number: masked like everywhere else."""
        return mask_phone(obj.username) if obj.username.isdigit() else obj.username


# The second-factor devices (django-otp's own admin classes): read-only for system administrators.
# Adding a device by hand would bypass enrolment, and deleting one must leave an audit record, so a
# lost phone is handled by the user admin's "重置两步验证" action (cases.audit.services.otp_devices_reset).
# OTP_ADMIN_HIDE_SENSITIVE_DATA keeps the keys and QR codes out of these pages.
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin  # noqa: E402  (registers it first)
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


class SysadminTOTPDeviceAdmin(SysadminReadOnly, TOTPDeviceAdmin):
    pass


class SysadminStaticDeviceAdmin(SysadminReadOnly, StaticDeviceAdmin):
    def get_inline_instances(self, request, obj=None):
        return []  # the stored codes are hashes: nothing to read there


for _model, _admin_class in ((TOTPDevice, SysadminTOTPDeviceAdmin), (StaticDevice, SysadminStaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
