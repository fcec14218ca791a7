"""Serializers of the 速裁 REST API (v1): the requests of every action and the state they answer with."""
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.adjudication.models import (
    AcceptanceCondition,
    Answer,
    Decision,
    FilingReview,
    Hearing,
    RecusalGround,
)
from cases.adjudication.services.serving import ANSWER_MAX_CHARS
from cases.documents.models import Service
from cases.serializers import MAX_DB_ID, CaseSummarySerializer, CodeChoiceField

TEXT = 2000


def _text(max_length=TEXT, required=True, help_text=""):
    return serializers.CharField(max_length=max_length, required=required, allow_blank=not required,
                                 default="" if not required else serializers.empty, help_text=help_text)


@extend_schema_field({"type": "string", "description": "in_person（现场审理）/ online（网上审理）"})
class HearingModeField(CodeChoiceField):
    """Documented as plain values, not a named enum (``mode`` names another choice set in mediation)."""


def evidence_api_url(case_id, evidence_id) -> str:
    return reverse("v1:adjudication-evidence-download", args=[case_id, evidence_id])


def _id(help_text):
    return serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, help_text=help_text)


# -- requests ------------------------------------------------------------------------------------


class AdjCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="是否符合该受理条件。")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text="审查说明；不符合时必填。")


class AdjReviewSerializer(serializers.Serializer):
    checks = serializers.DictField(
        child=AdjCheckSerializer(),
        help_text="逐项审查结果，键为受理条件代码：" + "、".join(
            f"{c.value}（{c.label}）" for c in AcceptanceCondition),
    )
    proposal = CodeChoiceField(FilingReview.Proposal.choices, what=gettext_lazy("审查意见"))
    reason_text = _text(required=False, help_text="说明；将写入不予受理通知书。")

    def validate_checks(self, value):
        for key, item in value.items():
            if key in AcceptanceCondition.values and not item["ok"] and not item.get("note", "").strip():
                raise serializers.ValidationError(
                    f"“{AcceptanceCondition(key).label}”不符合的，请写明审查说明。")
        return value


class AdjApprovalSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 批准；false 退回或不批准（须写明理由）。")
    note = _text(required=False, help_text="审批意见；不批准时必填。")


class AdjPanelSerializer(serializers.Serializer):
    members = serializers.ListField(child=_id("办案人员的用户编号。"), min_length=1, max_length=15,
                                    help_text="合议组成员（三人以上单数）。")
    presiding = _id("组长的用户编号（须在成员中）。")


class AdjRecusalRaiseSerializer(serializers.Serializer):
    member = _id("回避对象（合议组成员记录编号，见案件详情 panel[].id）。")
    ground = CodeChoiceField(RecusalGround.choices, what=gettext_lazy("回避事由"))
    reason = _text()


class AdjRecusalDecisionSerializer(serializers.Serializer):
    granted = serializers.BooleanField(help_text="true 准予回避；false 驳回（须写明理由）。")
    note = _text(required=False)


class AdjServeSerializer(serializers.Serializer):
    document = _id("文书编号。")
    party = _id("受送达当事人编号。")
    method = CodeChoiceField(Service.Method.choices, what=gettext_lazy("送达方式"))
    sent_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="不填为当前时间。")
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                            help_text="签收时间；电子送达可不填（以到达时间为送达时间）。")


class AdjServeRequestSerializer(serializers.Serializer):
    method = CodeChoiceField(Service.Method.choices, what=gettext_lazy("送达方式"))
    sent_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AdjReceiptSerializer(serializers.Serializer):
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                            help_text="签收时间；不填为当前时间。")
    note = _text(max_length=300, required=False)


class AdjAnswerSerializer(serializers.Serializer):
    text = _text(max_length=ANSWER_MAX_CHARS, help_text="答辩意见，不超过5000字。")
    party = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False, allow_null=True,
                                     default=None, help_text="办案人员登记书面答辩时必填：被请求人编号。")
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                            help_text="办案人员登记书面答辩时的收到时间。")


class AdjForwardSerializer(serializers.Serializer):
    method = CodeChoiceField(Service.Method.choices, what=gettext_lazy("送达方式"), required=False,
                             default=Service.Method.IN_APP)


class AdjVisibilitySerializer(serializers.Serializer):
    confidential = serializers.BooleanField(help_text="true 仅合议组可见；false 双方当事人可见。")
    reason = _text(max_length=300, required=False, help_text="保密理由；设为仅合议组可见时必填。")


class AdjEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="证据文件（按内容检查类型）。")
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    confidential = serializers.BooleanField(required=False, default=False, help_text="仅合议组可见。")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AdjQuestionSerializer(serializers.Serializer):
    investigator = _id("技术调查官的用户编号。")
    questions = _text(max_length=5000)
    evidence = serializers.ListField(child=_id("证据编号。"), required=False, default=list, max_length=100)
    working_days = serializers.IntegerField(min_value=1, max_value=60, required=False, allow_null=True,
                                            default=None, help_text="期限（工作日），默认按设置。")


class AdjOpinionSerializer(serializers.Serializer):
    opinion = _text(max_length=20000)


class AdjReasonSerializer(serializers.Serializer):
    reason = _text()


class AdjHearingSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(help_text="审理时间；应至少提前3个工作日通知。")
    place = _text(max_length=200)
    mode = HearingModeField(Hearing.Mode.choices, what=gettext_lazy("审理方式"), required=False,
                            default=Hearing.Mode.IN_PERSON)


class AdjHearingRecordSerializer(serializers.Serializer):
    attendees = _text(max_length=1000)
    record = _text(max_length=50000)


class AdjournSerializer(serializers.Serializer):
    reason = _text(max_length=1000)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                             help_text="新的审理时间；不填则另行通知。")
    place = _text(max_length=200, required=False)


class AdjSuspensionRequestSerializer(serializers.Serializer):
    invalidation_number = _text(max_length=60, help_text="无效宣告请求受理通知书编号。")
    invalidation_accepted_on = serializers.DateField(help_text="国家知识产权局受理日期。")
    reason = _text()
    party = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False, allow_null=True,
                                     default=None, help_text="办案人员代为登记时必填：被请求人编号。")


class AdjSuspensionDecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField(help_text="true 中止处理；false 不予中止（须写明理由）。")
    note = _text(required=False)
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="中止日期，默认今天。")


class AdjResumeSerializer(serializers.Serializer):
    reason = _text()
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="恢复日期，默认今天。")


class AdjMediationEndSerializer(serializers.Serializer):
    agreed = serializers.BooleanField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                      allow_null=True, default=None)
    terms = _text(max_length=5000, required=False, help_text="协议内容；达成协议时必填。")
    settles_case = serializers.BooleanField(required=False, default=False, help_text="协议一并解决全部纠纷，"
        "以调解结案。")
    note = _text(required=False, help_text="调解不成时必填。")


class AdjDecisionDraftSerializer(serializers.Serializer):
    infringement_found = serializers.BooleanField(help_text="true 侵权成立，责令停止侵权；false 驳回请求。")
    acts = serializers.ListField(child=CodeChoiceField(Decision.Act.choices, what=gettext_lazy("侵权行为")),
                                 required=False, default=list, max_length=5)
    product = _text(max_length=200, required=False)
    facts = _text(max_length=20000)
    reasoning = _text(max_length=20000)
    submit = serializers.BooleanField(required=False, default=False, help_text="true 提交负责人审批。")


class AdjSuitSerializer(serializers.Serializer):
    court = _text(max_length=100)
    court_reference = _text(max_length=60, required=False)
    filed_on = serializers.DateField()
    party = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False, allow_null=True,
                                     default=None, help_text="办案人员登记时必填：起诉的当事人编号。")


class AdjPerformanceSerializer(serializers.Serializer):
    performed = serializers.BooleanField(help_text="true 已停止侵权；false 未停止（申请强制执行）。")
    note = _text()


class AdjEmptySerializer(serializers.Serializer):
    note = _text(max_length=500, required=False, help_text="备注（选填）。")


# -- answers -------------------------------------------------------------------------------------


class AdjStepSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="待办事项。")
    role = serializers.CharField(help_text="由谁办理：角色代码，或 panel（合议组）。")
    since = serializers.DateTimeField()


class AdjDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    length = serializers.IntegerField()
    due_date = serializers.DateField()
    state = serializers.CharField()
    provisional = serializers.BooleanField()


class AdjPanelMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    name = serializers.CharField(source="user.__str__")
    role = serializers.CharField()
    active = serializers.BooleanField()


class AdjReviewOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.CharField()
    state = serializers.CharField()
    checks = serializers.DictField()
    reason_text = serializers.CharField()
    reviewed_at = serializers.DateTimeField()
    decision_note = serializers.CharField()


class AdjRecusalOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    kind = serializers.CharField()
    ground = serializers.CharField()
    reason = serializers.CharField()
    state = serializers.CharField()
    decision_note = serializers.CharField()


class AdjAnswerOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.IntegerField(source="party_id")
    text = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_date = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    channel = serializers.ChoiceField(Answer.Channel.choices)
    forwarded_at = serializers.DateTimeField(allow_null=True)


class AdjQuestionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    investigator = serializers.IntegerField(source="investigator_id")
    questions = serializers.CharField()
    evidence = serializers.SerializerMethodField(help_text="所附证据的编号。")
    state = serializers.CharField()
    due_date = serializers.DateField(source="deadline.due_date", allow_null=True, default=None)
    opinion = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)

    def get_evidence(self, obj) -> list[int]:
        return [e.pk for e in obj.evidence.all()]


class AdjHearingOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField()
    mode = serializers.CharField()
    state = serializers.CharField()
    adjourn_reason = serializers.CharField()


class AdjRequestOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    decision_note = serializers.CharField()


class AdjMediationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    terms = serializers.CharField()
    settles_case = serializers.BooleanField()
    note = serializers.CharField()
    agreement_document = serializers.IntegerField(source="agreement_document_id", allow_null=True)


class AdjDecisionOutSerializer(serializers.Serializer):
    state = serializers.CharField()
    infringement_found = serializers.BooleanField()
    acts = serializers.ListField(child=serializers.CharField())
    order = serializers.CharField(help_text="裁决主文（由系统按认定结果生成，只能责令停止侵权）。")
    return_note = serializers.CharField()
    document = serializers.IntegerField(source="document_id", allow_null=True)
    served_at = serializers.DateTimeField(allow_null=True)


class AdjServiceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.IntegerField(source="party_id", allow_null=True)
    recipient_name = serializers.CharField()
    method = serializers.CharField()
    sent_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)


class AdjDocumentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    doc_type = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    public = serializers.BooleanField()
    superseded = serializers.BooleanField(source="is_superseded")
    download_url = serializers.SerializerMethodField()
    services = AdjServiceOutSerializer(many=True, source="services.all")

    def get_download_url(self, obj) -> str:
        return reverse("documents:download", args=[obj.pk])


class AdjEvidenceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="evidence.pk")
    name = serializers.CharField(source="evidence.original_name")
    party = serializers.IntegerField(source="evidence.party_id", allow_null=True)
    confidential = serializers.BooleanField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj) -> str:
        return evidence_api_url(obj.evidence.case_id, obj.evidence.pk)


class AdjudicationSerializer(serializers.Serializer):
    """The state of a case's adjudication, as the viewer may see it."""

    case = CaseSummarySerializer(source="adj.case")
    office = serializers.CharField(source="adj.office.name")
    received_at = serializers.DateTimeField(source="adj.received_at")
    filed_at = serializers.DateTimeField(source="adj.filed_at", allow_null=True)
    decided_at = serializers.DateTimeField(source="adj.decided_at", allow_null=True)
    final_at = serializers.DateTimeField(source="adj.final_at", allow_null=True)
    repeat_infringer = serializers.BooleanField(source="adj.repeat_infringer")
    repeat_cases = serializers.ListField(child=serializers.CharField(), source="adj.repeat_cases")
    next_steps = AdjStepSerializer(many=True, source="steps")
    deadlines = AdjDeadlineSerializer(many=True)
    panel = AdjPanelMemberSerializer(many=True)
    reviews = AdjReviewOutSerializer(many=True)
    recusals = AdjRecusalOutSerializer(many=True)
    answers = AdjAnswerOutSerializer(many=True)
    questions = AdjQuestionOutSerializer(many=True, help_text="技术调查（仅办案人员可见）。")
    hearings = AdjHearingOutSerializer(many=True)
    suspensions = AdjRequestOutSerializer(many=True)
    extensions = AdjRequestOutSerializer(many=True)
    mediations = AdjMediationOutSerializer(many=True)
    decision = AdjDecisionOutSerializer(allow_null=True)
    documents = AdjDocumentOutSerializer(many=True)
    evidence = AdjEvidenceOutSerializer(many=True)


class AdjQueueCaseSerializer(CaseSummarySerializer):
    next_due = serializers.DateField(allow_null=True, read_only=True, help_text="最近届满的期限。")
    repeat_infringer = serializers.BooleanField(source="adjudication.repeat_infringer", read_only=True)
    next_steps = AdjStepSerializer(many=True, source="steps", read_only=True)


class AdjQueueQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(source="adjudication.case_id")
    case_number = serializers.CharField(source="adjudication.case.number")
    questions = serializers.CharField()
    due_date = serializers.DateField(source="deadline.due_date", allow_null=True, default=None)
    overdue = serializers.BooleanField()


class AdjQueueSerializer(serializers.Serializer):
    review = AdjQueueCaseSerializer(many=True, required=False, help_text="办案人员：待立案审查。")
    mine = AdjQueueCaseSerializer(many=True, required=False, help_text="办案人员：我的案件，"
        "按最近期限排列（前100件）。")
    approvals = AdjQueueCaseSerializer(many=True, required=False, help_text="负责人：待审批。")
    overdue = AdjQueueCaseSerializer(many=True, required=False, help_text="负责人：有期限逾期的案件。")
    questions = AdjQueueQuestionSerializer(many=True, required=False, help_text="技术调查官：待出具的意见。")


class AdjQuestionEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    download_url = serializers.CharField()


class AdjQuestionDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(source="adjudication.case_id")
    case_number = serializers.CharField(source="adjudication.case.number")
    questions = serializers.CharField()
    evidence = serializers.SerializerMethodField()
    state = serializers.CharField()
    due_date = serializers.DateField(source="deadline.due_date", allow_null=True, default=None)
    opinion = serializers.CharField()

    @extend_schema_field(AdjQuestionEvidenceSerializer(many=True))
    def get_evidence(self, obj):
        return [{"id": e.pk, "name": e.original_name, "download_url": evidence_api_url(obj.adjudication.case_id, e.pk)}
                for e in obj.evidence.all()]
