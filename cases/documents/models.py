"""文书: the official documents of a case, each stored as a PDF with its number, version and hash.

Models hold data and invariants only; every write goes through ``cases.documents.services``.
"""
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, Organization, Party, private_storage


class DocumentType(models.TextChoices):
    """The kinds of official document. The value names the template ``documents/pdf/<value>.html``."""

    ACCEPTANCE_NOTICE = "acceptance_notice", _("受理通知书")
    SUPPLEMENT_NOTICE = "supplement_notice", _("补正通知书")
    REFUSAL_NOTICE = "refusal_notice", _("不予受理通知书")
    MEDIATION_INVITATION = "mediation_invitation", _("调解邀请/征询意见书")
    MEDIATION_AGREEMENT = "mediation_agreement", _("调解协议书")
    MEDIATION_TERMINATION = "mediation_termination", _("终止调解通知书")
    CONFIRMATION_APPLICATION = "confirmation_application", _("司法确认申请书")
    SESSION_NOTICE = "session_notice", _("调解会议通知")
    FILING_NOTICE = "filing_notice", _("立案通知书")
    ANSWER_NOTICE = "answer_notice", _("答辩通知书")
    HEARING_NOTICE = "hearing_notice", _("口头审理通知书")
    TECHNICAL_OPINION = "technical_opinion", _("技术调查意见书")
    SUSPENSION_NOTICE = "suspension_notice", _("中止处理通知书")
    RESUMPTION_NOTICE = "resumption_notice", _("恢复处理通知书")
    ADJUDICATION_DECISION = "adjudication_decision", _("行政裁决书")
    TRANSFER_LETTER = "transfer_letter", _("移送函")
    SERVICE_RECEIPT = "service_receipt", _("送达回证")
    STATISTICS_REPORT = "statistics_report", _("统计报表")


# The type's part of the document number (发文字号): organisation abbreviation + this +
# 〔year〕 + sequence + 号. All two characters, so none is the tail of another (see
# ``services.document_number_prefix``).
TYPE_ABBREVIATIONS = {
    DocumentType.ACCEPTANCE_NOTICE: "受通",
    DocumentType.SUPPLEMENT_NOTICE: "补通",
    DocumentType.REFUSAL_NOTICE: "不予",
    DocumentType.MEDIATION_INVITATION: "调征",
    DocumentType.MEDIATION_AGREEMENT: "调协",
    DocumentType.MEDIATION_TERMINATION: "调终",
    DocumentType.CONFIRMATION_APPLICATION: "确申",
    DocumentType.SESSION_NOTICE: "调会",
    DocumentType.FILING_NOTICE: "立通",
    DocumentType.ANSWER_NOTICE: "答通",
    DocumentType.HEARING_NOTICE: "审通",
    DocumentType.TECHNICAL_OPINION: "技意",
    DocumentType.SUSPENSION_NOTICE: "中止",
    DocumentType.RESUMPTION_NOTICE: "恢复",
    DocumentType.ADJUDICATION_DECISION: "裁决",
    DocumentType.TRANSFER_LETTER: "移送",
    DocumentType.SERVICE_RECEIPT: "送回",
    DocumentType.STATISTICS_REPORT: "统报",
}


def document_upload_to(instance, filename):
    """Generated names only: ``documents/2026/11/<uuid>.pdf``."""
    now = timezone.now()
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}.pdf"


# Upper case letters and digits without 0/O and 1/I: a code read off paper is typed without doubt.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
VERIFICATION_LENGTH = 24  # 120 random bits


def new_verification_code() -> str:
    """A random URL-safe code printed on the document and encoded in its QR code."""
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


class DocumentNumberSequence(models.Model):
    """Gapless counter per organisation, document type and year; locked row by row when a number is taken."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    doc_type = models.CharField(max_length=32, choices=DocumentType.choices)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "doc_type", "year"], name="document_number_sequence_unique",
            ),
        ]

    def __str__(self):
        return f"{self.organization_id}/{self.doc_type}/{self.year}: {self.last_value}"


class Document(models.Model):
    """文书: one issued PDF. Re-issuing the same type (and series) for a case supersedes the previous one.

    A document is either rendered at once (``document_issue``) or queued with its number and
    version reserved and rendered by a worker (``document_queue`` → ``render_document``); the
    row is the idempotency key of that rendering: it is rendered once, however often the task runs.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("生成中")
        RENDERED = "rendered", _("已生成")

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="documents", null=True, blank=True,
        help_text=_("统计报表等不属于某一案件的文书留空。"),
    )
    doc_type = models.CharField(_("文书类型"), max_length=32, choices=DocumentType.choices)
    series = models.CharField(
        _("系列"), max_length=64, blank=True, default="",
        help_text="Separates documents of one type that do not replace each other "
                  "(one 送达回证 per service, one notice per session): only the same series is superseded.",
    )
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文书编号"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("被替代为"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="supersedes",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="documents",
    )
    file = models.FileField(_("文件"), storage=private_storage, upload_to=document_upload_to, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    page_count = models.PositiveSmallIntegerField(_("页数"))
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("案件动态"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="documents",
    )
    verification_code = models.CharField(_("验证码"), max_length=40, unique=True, default=new_verification_code)
    public = models.BooleanField(_("当事人可见"), default=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.RENDERED)
    render_spec = models.JSONField(
        _("生成参数"), default=dict, blank=True,
        help_text="For a queued document: the template and its JSON context, rendered later by a worker.",
    )

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["case", "doc_type"], name="document_case_type")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "doc_type", "year", "sequence"], name="document_number_sequence_used",
            ),
            models.UniqueConstraint(
                fields=["case", "doc_type", "series", "version"], condition=Q(case__isnull=False),
                name="document_case_version_unique",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.number}"

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def download_name(self) -> str:
        return f"{self.title}-{self.number}.pdf"


class Service(models.Model):
    """送达: one document delivered to one recipient, and (later) the receipt confirming it."""

    class Method(models.TextChoices):
        ELECTRONIC = "electronic", _("电子送达")
        IN_APP = "in_app", _("平台送达")
        SMS_LINK = "sms_link", _("短信链接")
        POST = "post", _("邮寄送达")
        IN_PERSON = "in_person", _("直接送达")
        ANNOUNCEMENT = "announcement", _("公告送达")

    document = models.ForeignKey(Document, verbose_name=_("文书"), on_delete=models.PROTECT, related_name="services")
    party = models.ForeignKey(
        Party, verbose_name=_("受送达当事人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="services",
    )
    recipient_name = models.CharField(_("受送达人"), max_length=100)
    method = models.CharField(_("送达方式"), max_length=16, choices=Method.choices)
    sent_at = models.DateTimeField(_("送达时间"), default=timezone.now)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    receipt_note = models.CharField(_("备注"), max_length=300, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("送达人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    receipt_document = models.ForeignKey(
        Document, verbose_name=_("送达回证"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="receipt_for",
    )

    class Meta:
        verbose_name = _("送达")
        verbose_name_plural = _("送达")
        ordering = ["sent_at", "id"]

    def __str__(self):
        return f"{self.document} → {self.recipient_name}"

    @property
    def is_received(self) -> bool:
        return self.received_at is not None
