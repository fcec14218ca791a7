"""Serializers of the REST API (v1) for moving cases along the chain (intake, applicant, respondent)."""
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cases.intake.models import RefusalGround, SupplementItem
from cases.models import Route
from cases.serializers import CaseSummarySerializer, CodeChoiceField

NOTE_MAX_LENGTH = 2000
MAX_ITEMS = 50

# After a failed mediation the applicant may only leave for adjudication or the court.
NEXT_ROUTE_CHOICES = [(r.value, r.label) for r in (Route.ADJUDICATION, Route.LITIGATION)]


class IntakeQueueItemSerializer(CaseSummarySerializer):
    industry = serializers.CharField(source="industry.name", allow_null=True, default=None, read_only=True)
    due_date = serializers.DateField(allow_null=True, read_only=True, help_text="受理审查或补正的届满日。")
    due_state = serializers.CharField(
        allow_null=True, read_only=True, help_text="running（计时中）/ stopped（补正期间中止计时）",
    )


class IntakeAcceptSerializer(serializers.Serializer):
    route = CodeChoiceField(Route.choices, what=gettext_lazy("分流去向"))
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class IntakeSupplementSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=CodeChoiceField(SupplementItem.choices, what=gettext_lazy("补正事项")),
        max_length=MAX_ITEMS, required=False, default=list,
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
        help_text="其他需要补正的内容；未列出补正事项时必填。",
    )


class IntakeRefuseSerializer(serializers.Serializer):
    grounds = serializers.ListField(
        child=CodeChoiceField(RefusalGround.choices, what=gettext_lazy("不予受理理由")), max_length=MAX_ITEMS,
    )
    reason_text = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
        help_text="具体理由；选择 other（其他理由）时必填。",
    )


class IntakeDecisionResultSerializer(serializers.Serializer):
    decision_id = serializers.IntegerField(help_text="受理决定编号。")
    case = CaseSummarySerializer()


class SupplementAnswerSerializer(serializers.Serializer):
    answer_text = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
        help_text="补正说明；补正材料请先通过证据上传接口提交。",
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NextRouteSerializer(serializers.Serializer):
    route = CodeChoiceField(NEXT_ROUTE_CHOICES, what=gettext_lazy("后续程序"))


class ConsentSerializer(serializers.Serializer):
    agreed = serializers.BooleanField(help_text="是否同意调解。")
    reason = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
        help_text="不同意调解时必填。",
    )


class ConsentResultSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        [("agreed", "各被申请人均已同意"), ("waiting", "等待其他被申请人答复"), ("refused", "不同意，调解终止")],
    )
    case = CaseSummarySerializer()
