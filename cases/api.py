"""REST API v1 for the case file: auth tokens, case list and detail, online complaints, evidence.

Thin like the views: every read goes through ``cases.permissions`` (``visible_cases``,
``access_case``, ``access_evidence``), every write through ``cases.services``, so the
API sees and changes exactly what the UI does and every change leaves its CaseEvent.

Errors, for every view of the API (``ApiMixin``):

- a Django ``ValidationError`` from a service with field keys → 400 ``{"field": ["消息"]}``
  (nested keys dotted: ``parties[0].id_number``);
- one without field keys whose code says the case is in the wrong state → 409
  ``{"detail": "…", "code": "status"}``; any other one → 400 ``{"non_field_errors": [...]}``;
- ``PermissionDenied`` (wrong role) → 403, ``Http404`` (a case the user may not see) → 404.
"""
import json
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import json as drf_json
from rest_framework.versioning import NamespaceVersioning
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from cases import selectors, serializers
from cases.audit.authentication import OTPTokenAuthentication
from cases.audit.services import TokenRefused, token_expires_at, token_issue, token_revoke
from cases.downloads import protected_file_response
from cases.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from cases.models import CaseStatus, Organization, Role, Tier
from cases.pagination import KeysetPagination
from cases.permissions import access_case, access_evidence, can_add_evidence, require_role
from cases.services import case_create, evidence_add
from cases.upload_names import MultiPartParser
from cases.uploads import UploadRejected

logger = logging.getLogger(__name__)

# Codes of service ValidationErrors that mean "not in this state" (answered with 409).
CONFLICT_CODES = frozenset({"status", "invalid_transition", "closed", "answered", "no_request", "no_organization"})

# -- shared machinery ----------------------------------------------------------------------------


class ApiVersioning(NamespaceVersioning):
    """/api/v1/ is the URL namespace "v1"; the default lets the schema generator see the views."""

    default_version = "v1"
    allowed_versions = ("v1",)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "案件当前状态不允许此操作。"
    default_code = "status"

    def __init__(self, detail=None, code=None):
        super().__init__({"detail": detail or self.default_detail, "code": code or self.default_code})


class NotConfigured(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "not_configured"


def _from_django(exc: DjangoValidationError) -> exceptions.APIException:
    if hasattr(exc, "error_dict"):
        data = {}
        for field, messages in exc.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            data[key] = [str(m) for m in messages]
        return exceptions.ValidationError(data)
    codes = [e.code for e in exc.error_list if e.code in CONFLICT_CODES]
    if codes:
        return Conflict(" ".join(str(m) for m in exc.messages), codes[0])
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in exc.messages]})


def flatten_errors(data, prefix="") -> dict:
    """``{"applicant": {"name": [..]}, "items": {0: [..]}}`` → ``{"applicant.name": [..], "items[0]": [..]}``."""
    out: dict = {}

    def put(path, messages):
        out.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).extend(str(m) for m in messages)

    def walk(value, path):
        if isinstance(value, dict):
            for key, sub in value.items():
                if isinstance(key, int):
                    walk(sub, f"{path}[{key}]")
                elif key == api_settings.NON_FIELD_ERRORS_KEY:
                    walk(sub, path)
                else:
                    walk(sub, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            if any(isinstance(item, dict | list) for item in value):
                for i, item in enumerate(value):
                    if item:
                        walk(item, f"{path}[{i}]")
            else:
                put(path, value)
        else:
            put(path, [value])

    if isinstance(data, dict) and set(data) <= {"detail", "code"} and "detail" in data:
        return {k: str(v) for k, v in data.items()}
    walk(data, prefix)
    return out


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # too many fields, malformed multipart headers …
        exc = exceptions.ParseError(_("请求格式不正确。"))
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = flatten_errors(response.data)
    return response


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求体过大。"
    default_code = "too_large"


class SafeJSONParser(JSONParser):
    """JSON with the request size limit of the rest of the site, and a 400 (never a 500) for a
    body that is too deep, in an unknown charset or not JSON at all."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(_("请求体过大：不能超过%(mb)sMB。") % {"mb": f"{limit / 1024 / 1024:.3g}"})
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            raise exceptions.ParseError(_("请求体不是有效的 JSON：无法按 %(enc)s 解码。") % {"enc": encoding[:20]})
        try:
            return json.loads(text, parse_constant=drf_json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise exceptions.ParseError(_("请求体不是有效的 JSON：%(error)s") % {"error": str(exc)[:200]})
        except RecursionError:
            raise exceptions.ParseError(_("请求体不是有效的 JSON：嵌套层次过深。"))


class ApiMixin:
    """What every view of the API shares: the version, the error mapping."""

    versioning_class = ApiVersioning
    # Token first: an unauthenticated request then answers 401 with ``WWW-Authenticate: Token``.
    authentication_classes = [OTPTokenAuthentication, SessionAuthentication]

    def get_exception_handler(self):
        return api_exception_handler


class ApiView(ApiMixin, APIView):
    parser_classes = [SafeJSONParser]


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


def check_id(value: int) -> int:
    """Ids beyond the database's integer range cannot exist: 404, not a driver error."""
    if not 0 < value <= serializers.MAX_DB_ID:
        raise Http404
    return value


def validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


# -- auth ------------------------------------------------------------------------------------------


class TokenView(ApiView):
    """Token authentication for apps: obtain with the password, revoke with DELETE."""

    parser_classes = [SafeJSONParser, FormParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_create", tags=["auth"], summary="获取访问令牌",
        description=(
            "用户名（或手机号码、电子邮箱）与密码正确时返回令牌（同一用户重复获取返回同一令牌）。"
            "工作人员须同时提交验证器的6位验证码 otp（未绑定验证器 403 otp_not_enrolled）。"
            "用户不存在与密码错误的回答完全相同；连续失败5次锁定30分钟（429）。"
            "令牌有效期有限：签发后 IPDR_API_TOKEN_TTL_HOURS 小时（默认12小时）失效，见 expires_at；"
            "若部署开启了闲置失效（IPDR_API_TOKEN_IDLE_MINUTES），连续这么久未使用也会失效。"
            "带着失效令牌的请求回答 401，code 为 token_expired，令牌随即删除；此时重新获取令牌即可"
            "（未过期时重复获取返回同一令牌与同一 expires_at）。"
        ),
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenResponseSerializer, **serializers.error_responses(400, 403, 429),
                   400: OpenApiResponse(serializers.LOGIN_ERRORS_SCHEMA,
                                        description="请求无效（字段错误），或账号、密码不正确（code 为 "
                                                    "invalid_credentials）。")},
    )
    def post(self, request):
        data = validated(serializers.TokenRequestSerializer, request.data).validated_data
        # The DRF request is what axes sees (it reads META and marks the lockout on it).
        user = authenticate(request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            return Response(
                {"detail": _("登录失败次数过多，账号已暂时锁定，请30分钟后再试。"), "code": "locked_out"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            return Response(
                {"detail": _("账号或密码不正确。连续失败5次将锁定30分钟。"), "code": "invalid_credentials"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            token = token_issue(request=request._request, user=user, otp=data.get("otp", ""))
        except TokenRefused as refused:
            return Response({"detail": refused.message, "code": refused.code}, status=refused.status)
        body = {
            "token": token.key,
            "expires_at": token_expires_at(token),
            "user": {"id": user.pk, "username": user.username, "full_name": user.full_name,
                     "roles": sorted(r.value for r in user.roles)},
        }
        return Response(serializers.TokenResponseSerializer(body).data)

    @extend_schema(
        operation_id="auth_token_destroy", tags=["auth"], summary="注销访问令牌",
        request=None, responses={204: OpenApiResponse(description="令牌已作废。"), **serializers.error_responses(401)},
    )
    def delete(self, request):
        token_revoke(request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- cases -----------------------------------------------------------------------------------------


class CaseListView(ApiMixin, ListAPIView):
    serializer_class = serializers.CaseSummarySerializer
    pagination_class = KeysetPagination
    keyset = selectors.CASE_LIST_KEYS

    @extend_schema(
        operation_id="cases_list", tags=["cases"], summary="案件列表",
        description="当前用户可以查看的案件，按提交时间由新到旧，每页25件（游标分页：next / previous 链接）。",
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values, description="按状态筛选。"),
            OpenApiParameter("tier", str, enum=Tier.values, description="按所处环节筛选。"),
        ],
        responses={200: serializers.CaseSummarySerializer(many=True), **serializers.error_responses(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = validated(serializers.CaseFilterSerializer, self.request.query_params).validated_data
        return selectors.case_list(self.request.user, status=filters.get("status", ""), tier=filters.get("tier", ""))


class CaseDetailView(ApiView):
    @extend_schema(
        operation_id="cases_retrieve", tags=["cases"], summary="案件详情",
        description=(
            "当事人、涉案知识产权、证据、期限和案件动态。身份证号码和电话号码仅对需要的角色和当事人本人完整显示；"
            "当事人只能看到公开的案件动态。无权查看的案件与不存在的案件一样答复404。"
        ),
        responses={200: serializers.CaseDetailSerializer, **serializers.error_responses(401, 404)},
    )
    def get(self, request, case_id):
        case = access_case(request.user, check_id(case_id))
        detail = selectors.case_detail(case, request.user)
        return Response(serializers.CaseDetailSerializer(case, context={"user": request.user, "detail": detail}).data)


# -- complaints ------------------------------------------------------------------------------------


def intake_organization() -> Organization:
    """The default district's protection centre: where online complaints are filed."""
    org = (
        Organization.objects.filter(kind=Organization.Kind.PROTECTION_CENTRE,
                                    district__name=settings.IPDR_DEFAULT_DISTRICT)
        .select_related("district").order_by("pk").first()
    )
    if org is None:
        raise NotConfigured(_("平台尚未设置%(district)s知识产权保护中心，暂时无法受理网上申请。") % {
            "district": settings.IPDR_DEFAULT_DISTRICT})
    return org


class ComplaintCreateView(ApiView):
    @extend_schema(
        operation_id="complaints_create", tags=["complaints"], summary="提交纠纷调处申请",
        description=(
            "仅限申请人角色。申请人与当前用户关联，申请提交至本区知识产权保护中心，进入受理审查。"
            "字段错误的键与服务层一致：申请人为 `parties[0]`，被申请人依次为 `parties[1]`、`parties[2]`……"
            "可在请求头 `Idempotency-Key` 中携带幂等键：同一用户以同一幂等键重复提交同一申请时，"
            "返回第一次的结果（201，内容相同，响应头 `Idempotent-Replayed: true`），不会重复立案；"
            "同一幂等键提交内容不同的申请返回422。"
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=serializers.ComplaintCreateSerializer,
        responses={201: serializers.ComplaintResultSerializer,
                   **serializers.error_responses(400, 401, 403, 415, 422, 503)},
    )
    def post(self, request):
        require_role(request.user, Role.COMPLAINANT)

        def call():
            serializer = serializers.ComplaintCreateSerializer(data=request.data)
            if not serializer.is_valid():
                raise exceptions.ValidationError(serializers.complaint_error_keys(serializer.errors))
            case = case_create(
                actor=request.user, organization=intake_organization(), ip_address=client_ip(request),
                **serializer.case_create_kwargs(request.user),
            )
            return serializers.ComplaintResultSerializer(case).data

        return idempotent(request, call, status_code=status.HTTP_201_CREATED, location=lambda body: body["url"])


# -- evidence --------------------------------------------------------------------------------------


class EvidenceUploadView(ApiView):
    parser_classes = [MultiPartParser, FormParser]  # keeps hostile upload names (cases.upload_names)

    @extend_schema(
        operation_id="cases_evidence_create", tags=["cases"], summary="上传证据",
        description=(
            "本案当事人（或其代理人）及承办人员可上传；按文件内容检查类型，被拒收时返回400和中文原因，"
            "不保存任何内容。已结束的案件不能再上传（409）。"
        ),
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses={201: serializers.EvidenceOutSerializer, **serializers.error_responses(400, 401, 403, 404, 409, 415)},
    )
    def post(self, request, case_id):
        case = access_case(request.user, check_id(case_id))
        if not can_add_evidence(request.user, case):
            if not case.is_open:
                raise Conflict(_("案件已经结束，不能再提交证据。"), "closed")
            raise PermissionDenied
        data = validated(serializers.EvidenceUploadSerializer, request.data).validated_data
        party = case.parties.filter(user_id=request.user.pk).first()
        try:
            evidence = evidence_add(
                actor=request.user, case=case, uploaded_file=data["file"], description=data["description"],
                party=party, ip_address=client_ip(request),
            )
        except UploadRejected as exc:
            raise exceptions.ValidationError({"file": [str(m) for m in exc.messages]})
        return Response(serializers.EvidenceOutSerializer(evidence).data, status=status.HTTP_201_CREATED,
                        headers={"Location": reverse("v1:evidence-download", args=[evidence.pk])})


class EvidenceDownloadView(ApiView):
    def perform_content_negotiation(self, request, force=False):
        # Any Accept header may ask for a file; errors still answer in JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="evidence_download", tags=["cases"], summary="下载证据",
        description="以附件形式下载证据文件；无权查看其案件时答复404。",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="证据文件。"),
                   **serializers.error_responses(401, 404)},
    )
    def get(self, request, evidence_id):
        evidence = access_evidence(request.user, check_id(evidence_id))
        return protected_file_response(
            evidence.file, filename=evidence.original_name, content_type=evidence.content_type,
        )
