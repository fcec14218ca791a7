"""Serializers of the docking API (诉调对接, ``/api/v1/docking/``).

Output serializers take ``context={"full": bool}``: full ID and phone numbers (and unmasked
texts) only for a client holding the ``identifiers:read`` scope. Files are listed with their
SHA-256 and a docking download URL, so the court's system can fetch and check each one.
"""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.masking import mask_id_number, mask_phone, mask_text
from cases.models import CaseStatus, Tier
from cases.serializers import CodeChoiceField
from cases.templatetags.case_tags import event_label
from cases.tribunal.models import CourtStage
from cases.tribunal.services import COURT_REFERENCE_MAX, SUMMARY_MAX

TRANSFER_STATUSES = (CaseStatus.TRANSFERRED, CaseStatus.IN_COURT, CaseStatus.COURT_CLOSED)
CONFIRMATION_STATES = [("pending", "待受理"), ("accepted", "已受理，待裁定"), ("ruled", "已裁定")]
DELEGATION_RESULTS = [("pending", "调解中"), ("mediated", "调解成功"), ("failed", "调解不成"),
                      ("withdrawn", "当事人撤回")]


class _Full:
    @property
    def full(self) -> bool:
        return bool(self.context.get("full"))

    def text(self, value) -> str:
        return value if self.full else mask_text(value)


# -- query parameters --------------------------------------------------------------------------------


class DockingTransferFilterSerializer(serializers.Serializer):
    status = CodeChoiceField([(s.value, s.label) for s in TRANSFER_STATUSES], what=gettext_lazy("案件状态"),
                             required=False)
    since = serializers.DateTimeField(required=False, help_text="只列出此时间（含）以后有变化的案件，ISO 8601。")


class DockingConfirmationFilterSerializer(serializers.Serializer):
    state = CodeChoiceField(CONFIRMATION_STATES, what=gettext_lazy("司法确认状态"), required=False)
    since = serializers.DateTimeField(required=False, help_text="只列出此时间（含）以后有变化的案件，ISO 8601。")


class DockingDelegationFilterSerializer(serializers.Serializer):
    result = CodeChoiceField(DELEGATION_RESULTS, what=gettext_lazy("调解结果"), required=False)
    since = serializers.DateTimeField(required=False, help_text="只列出此时间（含）以后有变化的案件，ISO 8601。")


# -- files, parties, events --------------------------------------------------------------------------


class DockingDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    doc_type = serializers.CharField(help_text="文书类型代码，如 transfer_letter、acceptance_notice。")
    title = serializers.CharField()
    number = serializers.CharField(help_text="文书编号。")
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField(help_text="字节数。")
    issued_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document) -> str:
        return reverse("v1:docking-document-download", args=[document.case_id, document.pk])


class DockingEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="字节数。")
    sha256 = serializers.CharField()
    description = serializers.CharField()
    party = serializers.CharField(source="party.name", allow_null=True, default=None, help_text="提交方。")
    confidential = serializers.BooleanField(help_text="涉密证据（如商业秘密），仅供办案使用。")
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, evidence) -> str:
        return reverse("v1:docking-evidence-download", args=[evidence.case_id, evidence.pk])


class DockingPartySerializer(_Full, serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField(help_text="applicant / respondent / third_party / agent")
    kind = serializers.CharField(help_text="person / organization")
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="身份证号码；无 identifiers:read 时为遮蔽形式。")
    credit_code = serializers.CharField()
    legal_representative = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="联系电话；无 identifiers:read 时为遮蔽形式。")
    address = serializers.SerializerMethodField(help_text="无 identifiers:read 时为 null。")
    represents = serializers.IntegerField(source="represents_id", allow_null=True)

    def get_id_number(self, party) -> str:
        return party.id_number if self.full else mask_id_number(party.id_number)

    def get_phone(self, party) -> str:
        return party.phone if self.full else mask_phone(party.phone)

    def get_address(self, party) -> str | None:
        return party.address if self.full else None


class DockingIPRightSerializer(serializers.Serializer):
    kind = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    holder = serializers.CharField()


class DockingEventSerializer(_Full, serializers.Serializer):
    created_at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()

    def get_label(self, event) -> str:
        return str(event_label(event))

    def get_message(self, event) -> str:
        return self.text(event.message)


# -- cases ---------------------------------------------------------------------------------------------


class DockingCaseSerializer(serializers.Serializer):
    """A case as every docking answer names it."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(CaseStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    tier = serializers.ChoiceField(Tier.choices)
    organization = serializers.CharField(source="organization.name", help_text="当前承办机构。")
    court_reference = serializers.CharField(help_text="法院案号（立案后）。")
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class DockingCourtStageSerializer(serializers.Serializer):
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    docketed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.ChoiceField(CourtStage.Outcome.choices, allow_blank=True)
    decided_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    outcome_file = DockingEvidenceSerializer(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class DockingTransferSerializer(DockingCaseSerializer):
    stage = serializers.SerializerMethodField(help_text="在本站的签收、立案、结案情况；尚未签收时为 null。")

    @extend_schema_field(DockingCourtStageSerializer(allow_null=True))
    def get_stage(self, case):
        stage = getattr(case, "court_stage", None)
        return DockingCourtStageSerializer(stage).data if stage is not None else None


# The documents, evidence and public timeline of a case file (``context["file"]``, read once by the view); the
# serializer declares the three fields where they belong in its output. A comment, not a docstring: drf-spectacular
# would publish a docstring as the description of the serializers that have none.
class _FileRecords:

    @extend_schema_field(DockingDocumentSerializer(many=True))
    def get_documents(self, obj):
        return DockingDocumentSerializer(self.context["file"]["documents"], many=True).data

    @extend_schema_field(DockingEvidenceSerializer(many=True))
    def get_evidence(self, obj):
        return DockingEvidenceSerializer(self.context["file"]["evidence"], many=True).data

    @extend_schema_field(DockingEventSerializer(many=True))
    def get_events(self, obj):
        return DockingEventSerializer(self.context["file"]["events"], many=True, context=self.context).data


class _CaseFile(_FileRecords, _Full, serializers.Serializer):
    """The case file: parties, rights, facts and claims, documents and evidence with hashes, public timeline.
    ``context["file"]`` holds the lists (read once by the view)."""

    dispute_type = serializers.CharField()
    amount_in_dispute = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    facts = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    ip_rights = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_facts(self, case) -> str:
        return self.text(case.facts)

    def get_claims(self, case) -> str:
        return self.text(case.claims)

    @extend_schema_field(DockingPartySerializer(many=True))
    def get_parties(self, case):
        return DockingPartySerializer(self.context["file"]["parties"], many=True, context=self.context).data

    @extend_schema_field(DockingIPRightSerializer(many=True))
    def get_ip_rights(self, case):
        return DockingIPRightSerializer(self.context["file"]["ip_rights"], many=True).data


class DockingTransferDetailSerializer(_CaseFile, DockingTransferSerializer):
    """A transfer with its whole case file."""


class DockingRulingSerializer(serializers.Serializer):
    accepted_at = serializers.DateTimeField()
    confirmed = serializers.BooleanField(allow_null=True, help_text="true 确认有效，false 驳回；未裁定时为 null。")
    reasons = serializers.CharField()
    ruled_at = serializers.DateTimeField(allow_null=True)
    ruling_file = DockingEvidenceSerializer(allow_null=True)


class DockingAgreementBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    effective_at = serializers.DateTimeField(allow_null=True)
    judicial_filed_at = serializers.DateTimeField(allow_null=True, help_text="当事人共同申请司法确认的时间。")
    performance_due = serializers.DateField()
    document = DockingDocumentSerializer(allow_null=True, help_text="生效的调解协议书。")
    judicial_document = DockingDocumentSerializer(allow_null=True, help_text="司法确认申请书。")


class DockingConfirmationSerializer(DockingCaseSerializer):
    agreement = serializers.SerializerMethodField()
    ruling = serializers.SerializerMethodField(help_text="尚未受理时为 null。")

    @extend_schema_field(DockingAgreementBriefSerializer(allow_null=True))
    def get_agreement(self, case):
        agreement = case.docking_agreement
        return DockingAgreementBriefSerializer(agreement).data if agreement is not None else None

    @extend_schema_field(DockingRulingSerializer(allow_null=True))
    def get_ruling(self, case):
        ruling = case.docking_ruling
        return DockingRulingSerializer(ruling).data if ruling is not None else None


class DockingConfirmationDetailSerializer(_CaseFile, DockingConfirmationSerializer):
    terms = serializers.SerializerMethodField(help_text="调解协议内容。")

    def get_terms(self, case) -> str:
        agreement = case.docking_agreement
        return self.text(agreement.terms) if agreement is not None else ""


class DockingDelegationSerializer(serializers.Serializer):
    case = DockingCaseSerializer()
    court_reference = serializers.CharField()
    kind = serializers.CharField(help_text="delegated（委派调解，诉前）/ entrusted（委托调解，诉中）")
    simple_procedure = serializers.BooleanField()
    delegated_at = serializers.DateTimeField()
    due_date = serializers.DateField(help_text="调解期限届满日。")
    result = serializers.CharField(  # a plain string: the enum name "Result" is taken in the schema
        help_text="pending（调解中）/ mediated（调解成功）/ failed（调解不成）/ withdrawn（当事人撤回）")
    result_summary = serializers.CharField()
    reported_at = serializers.DateTimeField(allow_null=True, help_text="结果反馈法院的时间。")
    result_document = DockingDocumentSerializer(allow_null=True, help_text="调解协议书或终止调解通知书。")
    materials_returned_at = serializers.DateTimeField(allow_null=True, help_text="调解不成退回材料的时间。")


class DockingDelegationDetailSerializer(_FileRecords, DockingDelegationSerializer):
    documents = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField(help_text="案件材料（调解不成时一并退回）。")
    events = serializers.SerializerMethodField()


class DockingCaseStatusSerializer(DockingCaseSerializer):
    tier_display = serializers.CharField(source="get_tier_display")
    events = serializers.SerializerMethodField(help_text="公开的案件动态，按时间先后。")

    @extend_schema_field(DockingEventSerializer(many=True))
    def get_events(self, case):
        return DockingEventSerializer(self.context["file"]["events"], many=True, context=self.context).data


# -- pages of the lists (cursor pagination) -------------------------------------------------------------


def page_of(item_serializer):
    """The serializer of one page of ``item_serializer``: ``next`` / ``previous`` cursor URLs and ``results``."""
    name = item_serializer.__name__.replace("Serializer", "") + "PageSerializer"
    return type(name, (serializers.Serializer,), {
        "__doc__": "One page: follow `next` (null on the last page).",
        "next": serializers.URLField(allow_null=True, help_text="下一页的地址；最后一页为 null。"),
        "previous": serializers.URLField(allow_null=True, help_text="上一页的地址；第一页为 null。"),
        "results": item_serializer(many=True),
    })


# -- requests ------------------------------------------------------------------------------------------


class DockingDocketSerializer(serializers.Serializer):
    court_reference = serializers.CharField(max_length=COURT_REFERENCE_MAX,
                                            help_text="法院案号，如（2026）渝01知民初1号。")


class DockingOutcomeSerializer(serializers.Serializer):
    outcome = CodeChoiceField(CourtStage.Outcome.choices, what=gettext_lazy("结案方式"))
    decided_on = serializers.DateField(help_text="裁判日期，不晚于今天。")
    summary = serializers.CharField(max_length=SUMMARY_MAX, help_text="结果摘要。")
    document = serializers.FileField(required=False, allow_null=True, help_text="裁判文书（PDF）。")


class DockingRulingRequestSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(help_text="true 裁定确认调解协议有效；false 驳回申请（须写明理由）。")
    reasons = serializers.CharField(max_length=SUMMARY_MAX, required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, help_text="裁定书（PDF，可选）。")

    def validate(self, data):
        if data["confirmed"] is False and not data["reasons"].strip():
            raise serializers.ValidationError({"reasons": [_("驳回申请须写明理由。")]})
        return data


class DockingEmptySerializer(serializers.Serializer):
    """No fields: the case in the URL says it all."""
