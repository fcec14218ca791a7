"""Serializers of the mediation tier's REST API (v1)."""
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cases.models import DisputeType
from cases.serializers import (
    MAX_DB_ID,
    CaseSummarySerializer,
    CodeChoiceField,
    IPRightInSerializer,
    PartyInSerializer,
)
from mediation.models import (
    MediationSession,
    PerformanceFollowUp,
    RecusalRequest,
)
from mediation.services.consent import TerminationReason

TEXT_MAX = 5000
NOTE_MAX = 2000


# -- reads -------------------------------------------------------------------------------------


class MediationCaseItemSerializer(CaseSummarySerializer):
    next_due = serializers.DateField(source="mediation_due", allow_null=True, read_only=True,
                                     help_text="最近的调解期限届满日。")
    next_due_label = serializers.CharField(allow_null=True, read_only=True)
    next_session = serializers.DateTimeField(allow_null=True, read_only=True, help_text="下一次调解会议开始时间。")
    offered = serializers.BooleanField(read_only=True, default=False, help_text="指派给当前调解员、待其答复。")
    steps = serializers.SerializerMethodField(help_text="流程中的当前环节。")

    def get_steps(self, case) -> list[str]:
        return (self.context.get("steps") or {}).get(case.pk, [])


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mediator = UserBriefSerializer()
    source = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    disclosure_conflict = serializers.BooleanField(allow_null=True)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    mode = serializers.CharField(help_text="online（线上调解）/ in_person（现场调解）")
    status = serializers.CharField(
        help_text="scheduled（已安排）/ held（已举行）/ missed（未能举行）/ cancelled（已取消）")
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    place = serializers.CharField()
    meeting_link = serializers.CharField()
    revision = serializers.IntegerField(help_text="改期次数（日历邀请的 SEQUENCE）。")
    status_reason = serializers.CharField()
    attendees = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()
    next_steps = serializers.CharField()


class ConfirmationSerializer(serializers.Serializer):
    party = serializers.IntegerField(source="party_id")
    party_name = serializers.CharField(source="party.name")
    channel = serializers.CharField()
    confirmed_at = serializers.DateTimeField()
    ip_address = serializers.CharField(allow_null=True)
    document_sha256 = serializers.CharField()


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    facts = serializers.CharField()
    terms = serializers.CharField()
    performance = serializers.CharField()
    performance_due = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    concerns_ownership_or_validity = serializers.BooleanField()
    draft_document = serializers.IntegerField(source="draft_document_id", allow_null=True)
    draft_sha256 = serializers.CharField(source="draft_document.sha256", allow_null=True, default=None)
    document = serializers.IntegerField(source="document_id", allow_null=True)
    effective_at = serializers.DateTimeField(allow_null=True)
    judicial_filed_at = serializers.DateTimeField(allow_null=True)
    confirmations = serializers.SerializerMethodField()

    def get_confirmations(self, agreement) -> ConfirmationSerializer(many=True):
        rows = agreement.confirmations.filter(document_id=agreement.draft_document_id).select_related("party")
        return ConfirmationSerializer(rows, many=True).data


class DeadlineBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    due_date = serializers.DateField()
    state = serializers.CharField()


class RecusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    ground = serializers.CharField()
    reasons = serializers.CharField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    days = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()


class DelegationSerializer(serializers.Serializer):
    case = CaseSummarySerializer()
    court_reference = serializers.CharField()
    kind = serializers.CharField(help_text="delegated（委派调解，诉前）/ entrusted（委托调解，诉中）")
    simple_procedure = serializers.BooleanField()
    delegated_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    result = serializers.CharField(
        help_text="pending（调解中）/ mediated（调解成功）/ failed（调解不成）/ withdrawn（撤回）")
    result_summary = serializers.CharField()
    reported_at = serializers.DateTimeField(allow_null=True)
    result_document = serializers.IntegerField(source="result_document_id", allow_null=True)
    materials_returned_at = serializers.DateTimeField(allow_null=True)


class MediationStateSerializer(serializers.Serializer):
    """The mediation state of one case (the answer of every mediation action)."""

    case = CaseSummarySerializer()
    steps = serializers.ListField(child=serializers.CharField(), help_text="流程中的当前环节（谁该办理）。")
    assignment = AssignmentSerializer(allow_null=True)
    sessions = SessionSerializer(many=True)
    agreement = AgreementSerializer(allow_null=True)
    deadlines = DeadlineBriefSerializer(many=True)
    recusals = RecusalSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    delegation = DelegationSerializer(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    mediator = UserBriefSerializer()
    score = serializers.IntegerField(help_text="推荐分：行业专长40、知识产权类型30、空余工作量30。")
    load = serializers.IntegerField()
    max_load = serializers.IntegerField()
    industry_match = serializers.BooleanField()
    ip_kind_match = serializers.BooleanField()
    full = serializers.BooleanField()
    excluded = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="排除的原因（利益冲突等）。")
    notes = serializers.ListField(child=serializers.CharField())


class LoadSerializer(serializers.Serializer):
    mediator = UserBriefSerializer()
    accepted = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    sessions = serializers.IntegerField()
    max_load = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    unassigned = CaseSummarySerializer(many=True)
    offered = AssignmentSerializer(many=True)
    loads = LoadSerializer(many=True)
    overdue = DeadlineBriefSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    recusals = RecusalSerializer(many=True)
    to_seal = serializers.SerializerMethodField()

    def get_to_seal(self, board) -> list[int]:
        return [a.case_id for a in board.to_seal]


# -- writes ------------------------------------------------------------------------------------


class IntentSerializer(serializers.Serializer):
    """An action that cannot be undone is asked for explicitly: ``{"confirm": true}``."""

    confirm = serializers.BooleanField(help_text="必须为 true：确认进行此操作（发送、签名、盖章或申请后不能撤销）。")

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError("请确认后再提交（confirm 应为 true）。")
        return value


class DisclosureSerializer(serializers.Serializer):
    conflict = serializers.BooleanField(default=False, help_text="是否存在可能影响公正调解、需披露的情况。")
    statement = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="",
                                      help_text="披露的情况；conflict 为 true 时必填。")


class AssignSerializer(serializers.Serializer):
    mediator = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, help_text="调解员的用户编号（见推荐列表）。")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RecusalCreateSerializer(serializers.Serializer):
    ground = CodeChoiceField(RecusalRequest.Ground.choices, what=gettext_lazy("回避事由"))
    reasons = serializers.CharField(max_length=NOTE_MAX)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true：准予/批准；false：驳回/不批准。")
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="",
                                 help_text="理由；驳回或不批准时必填。")


class SessionCreateSerializer(serializers.Serializer):
    mode = CodeChoiceField(MediationSession.Mode.choices, what=gettext_lazy("调解方式"))
    starts_at = serializers.DateTimeField(help_text="开始时间（ISO 8601，带时区）。")
    duration_minutes = serializers.IntegerField(default=90, min_value=15, max_value=480)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    meeting_link = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SessionRescheduleSerializer(SessionCreateSerializer):
    reason = serializers.CharField(max_length=500)


class SessionRecordSerializer(serializers.Serializer):
    attendees = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1, max_length=50)
    summary = serializers.CharField(max_length=TEXT_MAX)
    next_steps = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class AgreementInSerializer(serializers.Serializer):
    facts = serializers.CharField(max_length=TEXT_MAX)
    terms = serializers.CharField(max_length=TEXT_MAX, help_text="协议内容，每项一行。")
    performance = serializers.CharField(max_length=TEXT_MAX)
    performance_due = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True,
                                      default=None)
    concerns_ownership_or_validity = serializers.BooleanField(required=False, default=False)


class ConfirmSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"},
                                     help_text="当前用户的登录密码（再次验证本人操作）。")


class SignatureSerializer(serializers.Serializer):
    party = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, help_text="现场签字的当事人编号。")


class ExtensionCreateSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=60)
    reason = serializers.CharField(max_length=NOTE_MAX)
    parties_agreed = serializers.BooleanField(help_text="双方当事人均同意延长（必须为 true）。")
    agreement_note = serializers.CharField(max_length=300, help_text="当事人同意的方式。")


class FollowUpSerializer(serializers.Serializer):
    result = CodeChoiceField(PerformanceFollowUp.Result.choices, what=gettext_lazy("履行情况"))
    contact = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class TerminateSerializer(serializers.Serializer):
    reason = CodeChoiceField([(r, TerminationReason.LABELS[r]) for r in TerminationReason.STAFF_CHOICES],
                             what=gettext_lazy("终止原因"))
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class JudicialResultSerializer(serializers.Serializer):
    filed = serializers.BooleanField(help_text="各方均已同意、申请已提交人民法院时为 true。")
    state = MediationStateSerializer()


class DelegationCreateSerializer(serializers.Serializer):
    court_reference = serializers.CharField(max_length=60, help_text="法院案号，如（2026）渝0120民诉前调123号。")
    delegation_kind = CodeChoiceField([("delegated", "委派调解（诉前）"), ("entrusted", "委托调解（诉中）")],
                                      what=gettext_lazy("委派类型"))
    simple_procedure = serializers.BooleanField(required=False, default=False, help_text="委托调解是否适用简易程序。")
    applicants = PartyInSerializer(many=True, min_length=1, max_length=10)
    respondents = PartyInSerializer(many=True, min_length=1, max_length=10)
    ip_rights = IPRightInSerializer(many=True, required=False, default=list, max_length=20)
    dispute_type = CodeChoiceField(DisputeType.choices, what=gettext_lazy("纠纷类型"))
    facts = serializers.CharField(max_length=TEXT_MAX)
    claims = serializers.CharField(max_length=TEXT_MAX)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def service_kwargs(self) -> dict:
        data = self.validated_data
        parties = [{**p, "role": "applicant"} for p in data["applicants"]]
        parties += [{**p, "role": "respondent"} for p in data["respondents"]]
        return {
            "court_reference": data["court_reference"], "kind": data["delegation_kind"],
            "simple_procedure": data["simple_procedure"], "parties": parties,
            "ip_rights": [dict(r) for r in data["ip_rights"]], "dispute_type": data["dispute_type"],
            "facts": data["facts"], "claims": data["claims"], "note": data["note"],
        }
