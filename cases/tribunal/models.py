"""精审 at the circuit station: a transferred case's court stage, and a judicial confirmation's ruling."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.db import AppendOnlyMixin, AppendOnlyQuerySet
from cases.models import Case, Evidence, Organization


class CourtStage(models.Model):
    """One case at the circuit station: received (签收), docketed (立案) and closed with its outcome."""

    class Outcome(models.TextChoices):
        JUDGMENT = "judgment", _("判决")
        COURT_MEDIATION = "court_mediation", _("法院调解")
        WITHDRAWAL = "withdrawal", _("撤诉")
        DISMISSAL = "dismissal", _("驳回起诉")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="court_stage")
    station = models.ForeignKey(Organization, verbose_name=_("巡回审判站"), on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    docketed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    docketed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    outcome = models.CharField(_("结案方式"), max_length=20, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(_("裁判日期"), null=True, blank=True)
    summary = models.TextField(_("结果摘要"), blank=True)
    outcome_file = models.ForeignKey(
        Evidence, verbose_name=_("裁判文书"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    closed_at = models.DateTimeField(_("登记结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("法院审理")
        verbose_name_plural = _("法院审理")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.case} @ {self.station}"


class ConfirmationRuling(models.Model):
    """司法确认: the station accepts the joint application and rules (confirmed / rejected)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="confirmation_rulings")
    agreement = models.ForeignKey(
        "mediation.MediationAgreement", on_delete=models.PROTECT, related_name="confirmation_rulings",
    )
    station = models.ForeignKey(Organization, verbose_name=_("巡回审判站"), on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("受理时间"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed = models.BooleanField(_("确认有效"), null=True, blank=True)
    reasons = models.TextField(_("裁定理由"), blank=True)
    ruled_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    ruling_file = models.ForeignKey(
        Evidence, verbose_name=_("裁定书"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("司法确认")
        verbose_name_plural = _("司法确认")
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["agreement"], name="confirmation_ruling_once")]

    def __str__(self):
        return f"{self.case} 司法确认"


class DockingClient(models.Model):
    """The court's own case system, authenticated by a bearer token scoped to one circuit station.

    Only the token's SHA-256 is stored: the token itself is shown once, when the client is created.
    ``acting_user`` is the station's service account, so services get an actor and the timeline
    shows who acted.
    """

    station = models.ForeignKey(Organization, verbose_name=_("巡回审判站"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    scopes = models.JSONField(_("权限范围"), default=list)
    token_hash = models.CharField(_("令牌摘要（SHA-256）"), max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False,
                                    help_text=_("便于辨认令牌，不足以使用令牌。"))
    acting_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("服务账号"), on_delete=models.PROTECT, related_name="docking_client",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("对接客户端")
        verbose_name_plural = _("对接客户端")
        ordering = ["station", "name"]

    def __str__(self):
        return f"{self.name}（{self.station}）"


class DockingCall(AppendOnlyMixin, models.Model):
    """One call to the docking API, failed authentications included: the append-only audit trail."""

    created_at = models.DateTimeField(_("时间（UTC）"), default=timezone.now, db_index=True)
    client = models.ForeignKey(DockingClient, verbose_name=_("对接客户端"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="calls")
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=500)
    operation_id = models.CharField(_("接口"), max_length=100, blank=True)
    status_code = models.PositiveSmallIntegerField(_("状态码"))
    idempotency_key = models.CharField(_("幂等键"), max_length=255, blank=True)
    fingerprint = models.CharField(_("请求指纹"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("案件"), null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("对接调用记录")
        verbose_name_plural = _("对接调用记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "created_at"], name="docking_call_client")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status_code}"
