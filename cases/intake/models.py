"""受理分流: complaint drafts, and the intake clerk's decisions (accept, 补正, 不予受理)."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Route, private_storage


class RefusalGround(models.TextChoices):
    """The statutory grounds for 不予受理 (DESIGN.md section 4, Intake)."""

    NO_RESPONDENT = "no_respondent", _("没有明确的被申请人")
    NO_CLAIM = "no_claim", _("没有具体的请求事项和事实、理由")
    NOT_IP = "not_ip", _("不属于知识产权纠纷")
    JURISDICTION = "jurisdiction", _("不属于本区管辖范围")
    COURT_DOCKETED = "court_docketed", _("同一纠纷已由人民法院立案受理")
    LIMITATION = "limitation", _("明显超过诉讼时效（自知道或应当知道权利受侵害之日起三年）")
    OTHER = "other", _("其他理由")


class SupplementItem(models.TextChoices):
    """Items a supplement request (补正) can ask for; free text covers the rest."""

    APPLICANT_ID = "applicant_id", _("申请人身份证明（身份证复印件或营业执照）")
    AGENT_AUTHORITY = "agent_authority", _("代理人的授权委托书")
    RESPONDENT_INFO = "respondent_info", _("被申请人的准确名称、住所和联系方式")
    RIGHT_PROOF = "right_proof", _("权利证明（专利证书、商标注册证、著作权登记证书等）")
    RIGHT_VALIDITY = "right_validity", _("专利权有效的证明（年费缴纳凭证或专利登记簿副本）")
    INFRINGEMENT_EVIDENCE = "infringement_evidence", _("被申请人实施侵权行为的证据")
    CLAIMS = "claims", _("明确、具体的请求事项")
    FACTS = "facts", _("事实和理由的说明")
    DAMAGES_BASIS = "damages_basis", _("赔偿金额的计算依据")


class IntakeDecision(models.Model):
    """One decision of the intake clerk on a complaint. A case may have several (补正, then 受理)."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", _("受理")
        SUPPLEMENT = "supplement", _("补正")
        REFUSE = "refuse", _("不予受理")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="intake_decisions")
    kind = models.CharField(_("决定"), max_length=12, choices=Kind.choices)
    route = models.CharField(_("分流去向"), max_length=16, choices=Route.choices, blank=True)
    grounds = models.JSONField(_("不予受理理由"), default=list, blank=True)
    missing_items = models.JSONField(_("补正事项"), default=list, blank=True)
    reason_text = models.TextField(_("说明"), blank=True)
    due_date = models.DateField(_("补正期限"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(_("补正时间"), null=True, blank=True)
    answer_text = models.TextField(_("补正说明"), blank=True)

    class Meta:
        verbose_name = _("受理决定")
        verbose_name_plural = _("受理决定")
        ordering = ["case", "decided_at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class ComplaintDraft(models.Model):
    """A complaint being written: the wizard's answers so far, resumable from any device."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complaint_drafts")
    data = models.JSONField(default=dict)
    step = models.CharField(max_length=20, default="applicant")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_case = models.OneToOneField(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set once, by draft_submit; a submitted draft is never edited again.",
    )

    class Meta:
        verbose_name = _("申请草稿")
        verbose_name_plural = _("申请草稿")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "submitted_at", "-updated_at"], name="draft_owner_open")]

    def __str__(self):
        return f"draft {self.pk} of {self.owner_id}"


def draft_upload_to(instance, filename):
    return f"drafts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class DraftAttachment(models.Model):
    """An evidence file attached to a draft: checked on upload, becomes Evidence on submission."""

    draft = models.ForeignKey(ComplaintDraft, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=draft_upload_to, max_length=200)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=300, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["draft", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name
