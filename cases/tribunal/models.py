"""精审 at the circuit station: a transferred case's court stage, and a judicial confirmation's ruling."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        verbose_name = _("司法确认")
        verbose_name_plural = _("司法确认")
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["agreement"], name="confirmation_ruling_once")]

    def __str__(self):
        return f"{self.case} 司法确认"
