"""快调: the People's Mediation Committee's side of a case.

This first part holds the respondent's consent to mediate (voluntary: a clear refusal
ends mediation at once). Assignment, recusal, sessions and agreements follow.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Party


class MediationConsent(models.Model):
    """征询调解意愿: one respondent's answer to the invitation to mediate."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("网上答复")
        PHONE = "phone", _("电话答复（工作人员记录）")
        IN_PERSON = "in_person", _("现场答复（工作人员记录）")
        API = "api", _("接口")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediation_consents")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="mediation_consents")
    requested_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(_("答复期限"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    agreed = models.BooleanField(_("同意调解"), null=True)
    reason = models.TextField(_("理由"), blank=True)
    channel = models.CharField(_("答复方式"), max_length=12, choices=Channel.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("调解意愿征询")
        verbose_name_plural = _("调解意愿征询")
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="mediation_consent_once")]

    def __str__(self):
        return f"{self.case} {self.party}"
