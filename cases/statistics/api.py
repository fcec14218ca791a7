"""REST API v1: the statistics summary (read-only, supervisors, directors and chiefs, by scope) and the
published typical cases (public). Same figures and the same filter rules as the dashboard."""
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cases.api import ApiMixin, ApiView, flatten_errors, validated
from cases.models import IPRightKind, Tier
from cases.pagination import Keyset, KeysetPagination
from cases.permissions import require_role
from cases.serializers import MAX_DB_ID, CodeChoiceField, error_responses
from cases.statistics.forms import PERIODS, DashboardFilterForm
from cases.statistics.models import TypicalCase
from cases.statistics.selectors import STATISTICS_ROLES, figures, scope_for

# -- serializers -----------------------------------------------------------------------------------


def _decimal(places=1, **kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=places, coerce_to_string=False, allow_null=True,
                                    read_only=True, **kwargs)


class TotalsSerializer(serializers.Serializer):
    received = serializers.IntegerField(
        help_text="收案：全辖区为新收纠纷；按机构或环节筛选时为进入该机构或环节的案件。",
    )
    new_cases = serializers.IntegerField(help_text="新收纠纷（提交申请）。")
    accepted = serializers.IntegerField(help_text="受理。")
    refused = serializers.IntegerField(help_text="不予受理。")
    lapsed = serializers.IntegerField(help_text="逾期未补正。")
    closed = serializers.IntegerField(help_text="结案。")
    open = serializers.IntegerField(help_text="当前在办（不受期间限制）。")
    overdue = serializers.IntegerField(help_text="当前逾期（不受期间限制）。")
    mediation_success = serializers.IntegerField()
    mediation_failure = serializers.IntegerField()
    mediation_rate = _decimal(help_text="调解成功率（%）。")
    amount_received = _decimal(2, help_text="新收案件标的额（万元）。")
    amount_closed = _decimal(2, help_text="结案标的额（万元）。")
    recovered = _decimal(2, help_text="挽回经济损失（万元）。")


class TierSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(Tier.choices)
    label = serializers.CharField()
    entered = serializers.IntegerField(help_text="进入本环节的案件数。")
    closed = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    finished = serializers.IntegerField(help_text="期间内办结本环节的案件数（办理天数的样本）。")
    median = _decimal(help_text="办理天数中位数。")
    p90 = _decimal(help_text="办理天数90%分位数。")


class DimensionSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    score = _decimal()


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    responses = serializers.IntegerField()
    score = _decimal()


class SatisfactionSerializer(serializers.Serializer):
    score = _decimal(help_text="满意度得分（满分100）：各维度1至5分的平均值乘以20。")
    target = serializers.IntegerField()
    meets_target = serializers.BooleanField()
    responses = serializers.IntegerField()
    invited = serializers.IntegerField()
    response_rate = _decimal()
    recommend_rate = _decimal()
    dimensions = DimensionSerializer(many=True)
    trend = MonthSerializer(many=True)


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="统计范围：全市、区县名称或机构名称。")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    data_as_of = serializers.DateTimeField(allow_null=True, help_text="汇总数据更新至该时间（最多滞后约15分钟）。")
    totals = TotalsSerializer()
    tiers = TierSerializer(many=True)
    satisfaction = SatisfactionSerializer()
    funnel = CountSerializer(many=True)


class SummaryQuerySerializer(serializers.Serializer):
    period = CodeChoiceField(PERIODS, what=gettext_lazy("统计期间"), required=False, allow_blank=True)
    date_from = serializers.DateField(required=False, help_text="自定义期间的起始日期（period=custom）。")
    date_to = serializers.DateField(required=False)
    organization = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)
    tier = CodeChoiceField(Tier.choices, what=gettext_lazy("所处环节"), required=False, allow_blank=True)
    ip_kind = CodeChoiceField(IPRightKind.choices, what=gettext_lazy("知识产权类型"), required=False,
                              allow_blank=True)
    industry = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)


class TypicalCaseSerializer(serializers.ModelSerializer):
    ip_kind_display = serializers.CharField(source="get_ip_kind_display", read_only=True)
    industry = serializers.CharField(source="industry.name", read_only=True, allow_null=True, default=None)
    organization = serializers.CharField(source="organization.name", read_only=True, help_text="推荐机构。")
    url = serializers.SerializerMethodField(help_text="公开页面地址。")

    class Meta:
        model = TypicalCase
        fields = ["id", "title", "ip_kind", "ip_kind_display", "industry", "organization", "published_at", "facts",
                  "claims", "outcome", "significance", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("statistics:public_detail", args=[obj.pk])


class TypicalCaseFilterSerializer(serializers.Serializer):
    ip_kind = CodeChoiceField(IPRightKind.choices, what=gettext_lazy("知识产权类型"), required=False,
                              allow_blank=True)
    industry = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)


# -- views ------------------------------------------------------------------------------------------


class StatisticsSummaryView(ApiView):
    @extend_schema(
        operation_id="statistics_summary", tags=["statistics"], summary="统计汇总",
        description=(
            "与统计页面相同的数字（只读）：统计监督员看本区县（市级看全市），调委会主任看本调委会，裁决负责人看本机构；"
            "其他角色403。只读取预汇总表，数据最多滞后约15分钟（见 data_as_of）。"
        ),
        parameters=[SummaryQuerySerializer],
        responses={200: SummarySerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        require_role(request.user, *STATISTICS_ROLES)
        scope = scope_for(request.user)
        query = validated(SummaryQuerySerializer, request.query_params).validated_data
        form = DashboardFilterForm({k: v for k, v in request.query_params.items() if k in query}, scope=scope)
        if not form.is_valid():
            raise exceptions.ValidationError(flatten_errors({k: list(v) for k, v in form.errors.items()}))
        data = figures(scope, form.filters())
        state = data["freshness"]
        body = {
            "scope": scope.label, "date_from": data["filters"].date_from, "date_to": data["filters"].date_to,
            "data_as_of": state.watermark if state else None, "totals": data["totals"], "tiers": data["tiers"],
            "satisfaction": data["satisfaction"], "funnel": data["funnel"],
        }
        return Response(SummarySerializer(body).data)


class TypicalCaseListView(ApiMixin, ListAPIView):
    serializer_class = TypicalCaseSerializer
    pagination_class = KeysetPagination
    keyset = Keyset("-published_at", "-id")
    permission_classes = [AllowAny]
    authentication_classes = []  # public: a stale token must not turn a public read into a 401

    @extend_schema(
        operation_id="typical_cases_list", tags=["typical-cases"], summary="典型案例",
        description="已发布的典型案例（公开，无需登录），按发布时间由新到旧；可按知识产权类型和行业筛选。"
                    "案例中的自然人姓名、身份证号码、电话号码和详细地址均已隐去。",
        parameters=[TypicalCaseFilterSerializer],
        responses={200: TypicalCaseSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = validated(TypicalCaseFilterSerializer, self.request.query_params).validated_data
        qs = TypicalCase.objects.filter(state=TypicalCase.State.PUBLISHED).select_related("industry", "organization")
        if filters.get("ip_kind"):
            qs = qs.filter(ip_kind=filters["ip_kind"])
        if filters.get("industry"):
            qs = qs.filter(industry_id=filters["industry"])
        return qs.order_by(*self.keyset.order())

