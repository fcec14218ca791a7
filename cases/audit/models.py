"""The security audit log (ASVS V16, 等保2.0 安全审计) and the state the security layer keeps.

``AuditLog`` is append-only: the model refuses to change or delete a row, and on
PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE from anyone. Retention is
at least 6 months: the application never deletes; the DBA archives old partitions
(docs/security.md, "Audit log").
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from cases.db import AppendOnlyMixin, AppendOnlyQuerySet


class AuditAction(models.TextChoices):
    LOGIN_SUCCESS = "login_success", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    LOGOUT = "logout", _("退出登录")
    SESSION_EXPIRED = "session_expired", _("会话到期")
    OTP_SUCCESS = "otp_success", _("两步验证通过")
    OTP_FAILED = "otp_failed", _("两步验证失败")
    OTP_ENROLLED = "otp_enrolled", _("绑定验证器")
    OTP_BACKUP_GENERATED = "otp_backup_generated", _("生成备用验证码")
    OTP_BACKUP_USED = "otp_backup_used", _("使用备用验证码")
    OTP_RESET = "otp_reset", _("重置两步验证")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    USER_DISABLED = "user_disabled", _("停用账号")
    TOKEN_CREATED = "token_created", _("签发访问令牌")
    TOKEN_REVOKED = "token_revoked", _("注销访问令牌")
    TOKEN_EXPIRED = "token_expired", _("访问令牌过期")
    PERMISSION_DENIED = "permission_denied", _("越权访问被拒绝")
    VIEW_PERSONAL_DATA = "view_personal_data", _("查看个人信息")
    EXPORT = "export", _("导出数据")
    DOWNLOAD = "download", _("下载或打印")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditLog(AppendOnlyMixin, models.Model):
    """One security-relevant event: who (as they were at that moment), from where, did what, to what."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)  # stored in UTC (USE_TZ)
    # No database constraint and no cascade: the record outlives the account and never blocks deleting one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    roles = models.JSONField(_("当时角色"), default=list, blank=True)
    organization = models.ForeignKey(
        "cases.Organization", verbose_name=_("所属机构"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=255, blank=True)
    method = models.CharField(_("请求方法"), max_length=8, blank=True)
    path = models.CharField(_("请求路径"), max_length=255, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    result = models.CharField(_("结果"), max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()  # bulk changes are refused like single ones

    class Meta:
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"


class UserSession(models.Model):
    """Which session belongs to whom, so disabling an account ends its sessions at once."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class TokenVerification(models.Model):
    """A staff member's API token was issued after a valid second factor (TOTP)."""

    token = models.OneToOneField(Token, on_delete=models.CASCADE, primary_key=True, related_name="verification")
    device = models.CharField(max_length=64)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("令牌两步验证")
        verbose_name_plural = _("令牌两步验证")

    def __str__(self):
        return f"{self.device} {self.verified_at:%Y-%m-%d %H:%M}"


class TokenUse(models.Model):
    """When an API token was last used: the optional idle expiry (``IPDR_API_TOKEN_IDLE_MINUTES``).

    Written at most once a minute per token, so a busy client does not write on every call.
    """

    token = models.OneToOneField(Token, on_delete=models.CASCADE, primary_key=True, related_name="use")
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("令牌使用时间")
        verbose_name_plural = _("令牌使用时间")

    def __str__(self):
        return f"{self.last_used_at:%Y-%m-%d %H:%M}"
