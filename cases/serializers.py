"""Serializers of the REST API (v1) for the case file: requests are validated here, then
handed to the services; responses are read through the permission functions.

Choice fields take the code (``"infringement"``), never the label; an unknown code is a
400 naming the allowed codes. Personal identifiers are masked with ``cases.masking``
unless ``can_see_identifiers`` allows them, exactly as on the case page.
"""
import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from cases.masking import mask_id_number, mask_phone, mask_text
from cases.models import (
    CaseStatus,
    DisputeType,
    Industry,
    IPRightKind,
    Party,
    Route,
    Tier,
)
from cases.permissions import can_see_identifiers
from cases.templatetags.case_tags import event_label, status_hint

MAX_DB_ID = 2**63 - 1  # BigAutoField: larger ids cannot exist (and crash the database driver)
MAX_PARTIES = 20
MAX_IP_RIGHTS = 20
FACTS_MAX_LENGTH = 10000
CLAIMS_MAX_LENGTH = 5000

# Labels for the complainant's wish; distinct from ``Route`` labels on purpose (the
# OpenAPI schema names the two enums apart: a wish is not yet a routing decision).
PREFERRED_ROUTE_CHOICES = [
    (Route.MEDIATION.value, "希望调解"),
    (Route.ADJUDICATION.value, "希望行政裁决（限专利侵权纠纷）"),
    (Route.LITIGATION.value, "希望向法院起诉"),
]


def echo(value, limit=40) -> str:
    """User input quoted back in a message: shortened, and only characters that can be rendered."""
    text = str(value)[:limit]
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


class CodeChoiceField(serializers.ChoiceField):
    """A choice field whose error names the field and every allowed code, in Chinese."""

    def __init__(self, choices, *, what, **kwargs):
        self.what = what
        super().__init__(choices=choices, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            raise serializers.ValidationError(
                _("%(what)s应为文本代码。") % {"what": self.what}, code="invalid_choice",
            )
        if data == "" and self.allow_blank:
            return ""
        value = self.choice_strings_to_values.get(str(data))
        if value is None:
            allowed = "、".join(f"{code}（{label}）" for code, label in self.choices.items())
            raise serializers.ValidationError(
                _("“%(input)s”不是有效的%(what)s。可选值：%(allowed)s。") % {
                    "input": echo(data), "what": self.what, "allowed": allowed},
                code="invalid_choice",
            )
        return value


# -- errors (documented once, used by every view) ----------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="说明（中文）。")
    code = serializers.CharField(required=False, help_text="机器可读的错误代码，如 status、invalid_transition。")


FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        "Validation errors: one key per field, dotted for nested fields "
        "(`parties[0].id_number`, `ip_rights[1].number`, `items[2]`), each a list of messages in Chinese; "
        "`non_field_errors` for errors of the whole request, `detail` for a malformed body."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


# POST /api/v1/auth/token/ answers 400 with field errors (a malformed request) or with detail and code
# (invalid_credentials: the account or password is wrong).
LOGIN_ERRORS_SCHEMA = {"anyOf": [FIELD_ERRORS_SCHEMA, {
    "type": "object", "required": ["detail"],
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
}]}


def error_responses(*codes):
    """OpenAPI responses for the error status codes an operation can answer."""
    described = {
        400: OpenApiResponse(FIELD_ERRORS_SCHEMA, description="请求无效（字段错误）。"),
        401: OpenApiResponse(
            ErrorSerializer, description="未登录、令牌无效或令牌已过期（code 为 token_expired：重新获取令牌）。",
        ),
        403: OpenApiResponse(ErrorSerializer, description="角色不符或无权进行此操作。"),
        404: OpenApiResponse(ErrorSerializer, description="案件或文件不存在，或无权查看。"),
        409: OpenApiResponse(ErrorSerializer, description="案件当前状态不允许此操作。"),
        415: OpenApiResponse(ErrorSerializer, description="请求的 Content-Type 不受支持。"),
        422: OpenApiResponse(ErrorSerializer, description="幂等键已用于另一份不同的请求。"),
        429: OpenApiResponse(ErrorSerializer, description="登录失败次数过多，已暂时锁定。"),
        503: OpenApiResponse(ErrorSerializer, description="平台尚未设置受理机构。"),
    }
    return {code: described[code] for code in codes}


# -- auth --------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="用户名、手机号码或电子邮箱。")
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.RegexField(
        r"^\d{6}$", required=False, allow_blank=True, help_text="工作人员必填：验证器显示的6位验证码。",
        error_messages={"invalid": gettext_lazy("请输入验证器显示的6位数字。")},
    )


class TokenUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField(), help_text="角色代码，如 complainant、intake_clerk。")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="放在请求头中：`Authorization: Token <token>`。")
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="令牌最迟失效的时间（签发后 IPDR_API_TOKEN_TTL_HOURS 小时，默认12小时）；"
                  "开启闲置失效时，长时间未使用会更早失效。失效后请求回答 401 token_expired，须重新获取。",
    )
    user = TokenUserSerializer()


# -- case list and summary ---------------------------------------------------------------------


class CaseFilterSerializer(serializers.Serializer):
    """Query parameters of the case list."""

    status = CodeChoiceField(CaseStatus.choices, what=gettext_lazy("案件状态"), required=False, allow_blank=True)
    tier = CodeChoiceField(Tier.choices, what=gettext_lazy("所处环节"), required=False, allow_blank=True)


class CaseSummarySerializer(serializers.Serializer):
    """One line of a case list, and the answer of every action on a case."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True, help_text="当前案号；提交后即编立受理案号。")
    title = serializers.CharField(read_only=True, help_text="案由。")
    status = serializers.ChoiceField(CaseStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    tier = serializers.ChoiceField(Tier.choices, read_only=True)
    tier_display = serializers.CharField(source="get_tier_display", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True, help_text="承办机构名称。")
    submitted_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)


# -- case detail -------------------------------------------------------------------------------


class _ViewerMixin:
    @property
    def viewer(self):
        return self.context["user"]


class PartyOutSerializer(_ViewerMixin, serializers.Serializer):
    """A party as the viewer may see it: ID and phone numbers masked unless allowed."""

    id = serializers.IntegerField()
    role = serializers.CharField(help_text="applicant / respondent / third_party / agent")
    role_display = serializers.CharField(source="get_role_display")
    kind = serializers.CharField(help_text="person / organization")
    kind_display = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="居民身份证号码；无权查看时为遮蔽形式。")
    credit_code = serializers.CharField()
    legal_representative = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="联系电话；无权查看时为遮蔽形式。")
    email = serializers.SerializerMethodField(help_text="无权查看时为 null。")
    address = serializers.SerializerMethodField(help_text="无权查看时为 null。")
    represents = serializers.IntegerField(source="represents_id", allow_null=True, help_text="代理人所代理的当事人。")
    is_me = serializers.SerializerMethodField(help_text="该当事人是否为当前用户本人。")

    def _full(self, party) -> bool:
        return can_see_identifiers(self.viewer, party)

    def get_id_number(self, party) -> str:
        return party.id_number if self._full(party) else mask_id_number(party.id_number)

    def get_phone(self, party) -> str:
        return party.phone if self._full(party) else mask_phone(party.phone)

    def get_email(self, party) -> str | None:
        return party.email if self._full(party) else None

    def get_address(self, party) -> str | None:
        return party.address if self._full(party) else None

    def get_is_me(self, party) -> bool:
        return party.user_id is not None and party.user_id == self.viewer.pk


class IPRightOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="权利类型代码，如 utility_model。")
    kind_display = serializers.CharField(source="get_kind_display")
    number = serializers.CharField()
    title = serializers.CharField()
    holder = serializers.CharField()


class EvidenceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField(help_text="显示用文件名（扩展名按文件内容确定）。")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="字节数。")
    sha256 = serializers.CharField()
    description = serializers.CharField()
    party = serializers.CharField(source="party.name", allow_null=True, default=None, help_text="提交方。")
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, evidence) -> str:
        return reverse("v1:evidence-download", args=[evidence.pk])


class DeadlineOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text="working_days / days / months")
    length = serializers.IntegerField()
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    state = serializers.CharField(help_text="running / stopped / met / cancelled")
    state_display = serializers.CharField(source="get_state_display")
    provisional = serializers.BooleanField(help_text="所涉年份的节假日安排尚未公布，按周一至周五计算。")
    overdue = serializers.BooleanField(source="is_overdue")


class EventOutSerializer(_ViewerMixin, serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()
    public = serializers.BooleanField(help_text="当事人可见。")

    def get_label(self, event) -> str:
        return str(event_label(event))

    def get_message(self, event) -> str:
        return event.message if can_see_identifiers(self.viewer) else mask_text(event.message)


class CaseDetailSerializer(_ViewerMixin, CaseSummarySerializer):
    """The case file as the viewer may see it. ``context``: ``user`` and ``detail``
    (``cases.selectors.case_detail``, which already limits events to public ones for parties)."""

    numbers = serializers.SerializerMethodField(help_text="历次案号（受理、调解、裁决……）。")
    status_hint = serializers.SerializerMethodField(help_text="状态的通俗说明及下一步。")
    district = serializers.CharField(source="district.name")
    dispute_type = serializers.ChoiceField(DisputeType.choices)
    dispute_type_display = serializers.CharField(source="get_dispute_type_display")
    industry = serializers.CharField(source="industry.name", allow_null=True, default=None)
    facts = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    amount_in_dispute = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    preferred_route = serializers.ChoiceField(PREFERRED_ROUTE_CHOICES)
    source = serializers.CharField(help_text="online / window / court_delegated / court_entrusted")
    court_reference = serializers.CharField()
    knowledge_date = serializers.DateField(allow_null=True)
    court_docketed = serializers.BooleanField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    parties = serializers.SerializerMethodField()
    ip_rights = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    can_upload_evidence = serializers.SerializerMethodField()

    @property
    def detail(self):
        return self.context["detail"]

    def get_numbers(self, case) -> list[str]:
        return [n.text for n in self.detail["numbers"]]

    def get_status_hint(self, case) -> str:
        return status_hint(case)

    def get_facts(self, case) -> str:
        return case.facts if can_see_identifiers(self.viewer) else mask_text(case.facts)

    def get_claims(self, case) -> str:
        return case.claims if can_see_identifiers(self.viewer) else mask_text(case.claims)

    @extend_schema_field(PartyOutSerializer(many=True))
    def get_parties(self, case):
        return PartyOutSerializer(self.detail["parties"], many=True, context=self.context).data

    @extend_schema_field(IPRightOutSerializer(many=True))
    def get_ip_rights(self, case):
        return IPRightOutSerializer(self.detail["ip_rights"], many=True).data

    @extend_schema_field(EvidenceOutSerializer(many=True))
    def get_evidence(self, case):
        return EvidenceOutSerializer(self.detail["evidence"], many=True).data

    @extend_schema_field(DeadlineOutSerializer(many=True))
    def get_deadlines(self, case):
        return DeadlineOutSerializer(self.detail["deadlines"], many=True).data

    @extend_schema_field(EventOutSerializer(many=True))
    def get_events(self, case):
        return EventOutSerializer(self.detail["events"], many=True, context=self.context).data

    def get_can_upload_evidence(self, case) -> bool:
        return bool(self.detail["can_upload"])


# -- complaints --------------------------------------------------------------------------------


def _optional(max_length, **kwargs):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True, default="", **kwargs,
    )


class PartyInSerializer(serializers.Serializer):
    """申请人 or 被申请人. A person gives an ID number, an organisation its credit code."""

    kind = CodeChoiceField(Party.Kind.choices, what=gettext_lazy("当事人类型"))
    name = serializers.CharField(max_length=100)
    id_number = _optional(40, help_text="居民身份证号码（自然人）。")
    credit_code = _optional(40, help_text="统一社会信用代码（法人或其他组织）。")
    legal_representative = _optional(50)
    phone = _optional(30, help_text="手机号码或带区号的固定电话。")
    email = _optional(254)
    address = _optional(200)

    def validate(self, attrs):
        return {key: ("" if value is None else value) for key, value in attrs.items()}


class IPRightInSerializer(serializers.Serializer):
    kind = CodeChoiceField(IPRightKind.choices, what=gettext_lazy("知识产权类型"))
    number = _optional(60, help_text="登记/申请号；专利必填（如 ZL202320123456.X）。")
    title = serializers.CharField(max_length=200, help_text="权利名称（专利名称、商标、作品名称……）。")
    holder = _optional(100, help_text="权利人。")

    def validate(self, attrs):
        return {key: ("" if value is None else value) for key, value in attrs.items()}


@extend_schema_field({
    "oneOf": [{"type": "integer"}, {"type": "string"}],
    "nullable": True,
    "description": "行业：编号或名称（如“新能源汽车”）。",
})
class IndustryField(serializers.Field):
    """An active industry, given by its id or its name."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str) or (
                isinstance(data, str) and not data.isprintable()):
            raise serializers.ValidationError(_("行业应为行业编号或行业名称。"), code="invalid")
        industries = Industry.objects.filter(active=True)
        if isinstance(data, int):
            industry = industries.filter(pk=data).first() if 0 < data <= MAX_DB_ID else None
        else:
            industry = industries.filter(name=data.strip()[:50]).first()
        if industry is None:
            names = "、".join(industries.values_list("name", flat=True)[:50])
            raise serializers.ValidationError(
                _("行业“%(input)s”不存在。可选：%(names)s。") % {"input": echo(data), "names": names},
                code="invalid",
            )
        return industry

    def to_representation(self, value):
        return value.name


class ComplaintCreateSerializer(serializers.Serializer):
    """A complaint filed online. In error keys the applicant is ``parties[0]`` and the
    respondents follow in order (``parties[1]`` …), as ``case_create`` numbers them."""

    applicant = PartyInSerializer(help_text="申请人（即当前用户本人或其所代表的单位）。")
    respondents = PartyInSerializer(many=True, min_length=1, max_length=MAX_PARTIES)
    ip_rights = IPRightInSerializer(many=True, max_length=MAX_IP_RIGHTS, required=False, default=list)
    dispute_type = CodeChoiceField(DisputeType.choices, what=gettext_lazy("纠纷类型"))
    industry = IndustryField(required=False, allow_null=True, default=None)
    facts = serializers.CharField(max_length=FACTS_MAX_LENGTH, help_text="事实与理由。")
    claims = serializers.CharField(max_length=CLAIMS_MAX_LENGTH, help_text="请求事项。")
    amount_in_dispute = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None,
        help_text="标的额（元），如 \"50000.00\"。",
    )
    knowledge_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="知道或应当知道权利受侵害之日（YYYY-MM-DD）。",
    )
    court_docketed = serializers.BooleanField(required=False, default=False, help_text="同一纠纷是否已由法院立案。")
    preferred_route = CodeChoiceField(
        PREFERRED_ROUTE_CHOICES, what=gettext_lazy("希望的解决方式"), required=False, default=Route.MEDIATION.value,
    )

    def validate_knowledge_date(self, value):
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError(_("知道权利受侵害的日期不能晚于今天。"), code="future")
        if value is not None and value < datetime.date(1900, 1, 1):
            raise serializers.ValidationError(_("知道权利受侵害的日期无效。"), code="invalid")
        return value

    def case_create_kwargs(self, user) -> dict:
        """The keyword arguments of ``case_create`` (besides actor and organization)."""
        data = self.validated_data
        parties = [{**data["applicant"], "role": Party.PartyRole.APPLICANT, "user": user}]
        parties += [{**r, "role": Party.PartyRole.RESPONDENT} for r in data["respondents"]]
        return {
            "parties": parties,
            "ip_rights": [dict(r) for r in data["ip_rights"]],
            "dispute_type": data["dispute_type"],
            "industry": data["industry"],
            "facts": data["facts"],
            "claims": data["claims"],
            "amount_in_dispute": data["amount_in_dispute"],
            "knowledge_date": data["knowledge_date"],
            "court_docketed": data["court_docketed"],
            "preferred_route": data["preferred_route"],
        }


def complaint_error_keys(errors) -> dict:
    """Serializer errors renamed to ``case_create``'s keys: applicant → parties[0], respondents[i] → parties[i+1]."""
    errors = dict(errors)
    renamed = {}
    applicant = errors.pop("applicant", None)
    if applicant is not None:
        renamed["parties[0]"] = applicant
    respondents = errors.pop("respondents", None)
    if isinstance(respondents, list) and any(isinstance(item, dict) for item in respondents):
        for i, item in enumerate(respondents):
            if item:
                renamed[f"parties[{i + 1}]"] = item
    elif isinstance(respondents, dict) and all(isinstance(k, int) for k in respondents):
        for i, item in respondents.items():
            renamed[f"parties[{i + 1}]"] = item
    elif respondents is not None:
        renamed["respondents"] = respondents
    return {**renamed, **errors}


class ComplaintResultSerializer(CaseSummarySerializer):
    """The answer to a filed complaint (also replayed as-is for a repeated ``Idempotency-Key``)."""

    url = serializers.SerializerMethodField(help_text="案件详情的接口地址。")

    def get_url(self, case) -> str:
        return reverse("v1:case-detail", args=[case.pk])


# -- evidence ----------------------------------------------------------------------------------


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, use_url=False,
        help_text="证据文件（PDF、OFD、Word、Excel、图片、音视频）；按内容检查类型，可执行文件一律拒收。",
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
