"""诉调对接: the court's own case system talking to the platform (``/api/v1/docking/``).

What lives here, apart from the views (``workflows/api_docking.py``):

- clients and their tokens (``docking_client_create`` / ``docking_client_revoke``): one client per
  court system and station, only the token's SHA-256 stored, a service account of the station as
  the actor of every write so the services and the timeline see who acted;
- ``DockingTokenAuthentication`` (``Authorization: Bearer <token>``) and ``DockingScope``;
- ``DockingView``: every call, failed authentications included, leaves a ``DockingCall``;
- ``idempotent``: ``cases.idempotency`` (the ``Idempotency-Key`` rule of every API write) with the
  key and the request's fingerprint noted in the call's audit row.
"""
import hashlib
import logging
import re
import secrets
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from cases import idempotency
from cases.api import ApiView, check_id, client_ip
from cases.idempotency import IDEMPOTENCY_HEADER, idempotency_key, request_fingerprint
from cases.models import Organization, Role
from cases.services import user_set_roles
from cases.tribunal.models import DockingCall, DockingClient

logger = logging.getLogger(__name__)

SCOPES = {
    "transfers:read": gettext_lazy("读取移送案件（含证据与文书）"),
    "transfers:write": gettext_lazy("签收、立案、登记结案"),
    "confirmations:read": gettext_lazy("读取司法确认申请"),
    "confirmations:write": gettext_lazy("受理司法确认申请、作出裁定"),
    "delegations:read": gettext_lazy("读取委派/委托调解及其结果"),
    "delegations:write": gettext_lazy("委派/委托调解"),
    "identifiers:read": gettext_lazy("查看完整的身份证号码和电话号码"),
}
READ_SCOPES = ("transfers:read", "confirmations:read", "delegations:read")
TOKEN_PREFIX = "ipdr_"
NAME_MAX = 100
INVALID_TOKEN = gettext_lazy("令牌无效、已过期或已吊销。")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# -- clients ---------------------------------------------------------------------------------------


def _service_username(station, name) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "client"
    return f"docking-{station.pk}-{slug}-{secrets.token_hex(3)}"


@transaction.atomic
def docking_client_create(*, actor, station, name, scopes, expires_at=None) -> tuple[DockingClient, str]:
    """A client of ``station`` with ``scopes``; returns it and the token, which is never stored or shown again.

    The service account is a member of the station with the clerk and judge roles: the services
    check those roles, and the station's case permissions come with the membership.
    """
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写客户端名称。")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("名称不能超过%(n)d个字。") % {"n": NAME_MAX}]
    if station is None or station.kind != Organization.Kind.CIRCUIT_STATION:
        errors["station"] = [_("对接客户端只能属于巡回审判站。")]
    scopes = list(dict.fromkeys(scopes or ()))
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        errors["scopes"] = [_("权限范围无效：%(unknown)s。可选：%(allowed)s。") % {
            "unknown": "、".join(unknown) or "—", "allowed": "、".join(SCOPES)}]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("有效期应晚于当前时间。")]
    if errors:
        raise ValidationError(errors)
    user = get_user_model().objects.create(
        username=_service_username(station, name), full_name=_("%(name)s（对接系统）") % {"name": name},
        organization=station,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user_set_roles(user=user, roles=[Role.TRIBUNAL_CLERK, Role.JUDGE])
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = DockingClient.objects.create(
        station=station, name=name, scopes=scopes, token_hash=token_digest(token),
        token_prefix=token[:len(TOKEN_PREFIX) + 6], acting_user=user, expires_at=expires_at,
    )
    logger.info("docking client %s created for station %s by %s", client.pk, station.pk, getattr(actor, "pk", None))
    return client, token


@transaction.atomic
def docking_client_revoke(*, actor, client) -> DockingClient:
    """Revoke at once: the token answers 401 and the service account can no longer act."""
    client = DockingClient.objects.select_for_update(of=("self",)).select_related("acting_user").get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        user = client.acting_user
        user.is_active = False
        user.save(update_fields=["is_active"])
        logger.info("docking client %s revoked by %s", client.pk, getattr(actor, "pk", None))
    return client


# -- authentication and scopes ---------------------------------------------------------------------


class DockingTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``. Unknown, expired and revoked tokens get the same 401."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        now = timezone.now()
        client = (DockingClient.objects.select_related("acting_user", "station")
                  .filter(token_hash=token_digest(token)).first())
        if (client is None or client.revoked_at is not None or (client.expires_at and client.expires_at <= now)
                or not client.acting_user.is_active):
            request._docking_client_failed = True
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        DockingClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client.acting_user, client

    def authenticate_header(self, request):
        return 'Bearer realm="docking"'


class DockingAuthScheme(OpenApiAuthenticationExtension):
    target_class = DockingTokenAuthentication
    name = "dockingBearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "对接客户端令牌（由管理员创建时显示一次）：`Authorization: Bearer <token>`。"}


class DockingScope(BasePermission):
    """The client holds the operation's scope (one of them, when it names several)."""

    message = gettext_lazy("该对接客户端没有此操作的权限范围。")

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, DockingClient):
            return False
        handler = getattr(view, request.method.lower(), None)
        needed = getattr(handler, "docking_scopes", None)
        if not needed:
            return False
        return any(scope in client.scopes for scope in needed)


def docking_operation(operation_id, scopes, **schema):
    """``extend_schema`` for a docking operation, plus the scope(s) it needs and its audit name."""
    if isinstance(scopes, str):
        scopes = (scopes,)

    def wrap(func):
        described = schema.pop("description", "")
        needed = " 或 ".join(f"`{s}`" for s in scopes)
        func = extend_schema(operation_id=operation_id, tags=["docking"],
                             description=f"{described}\n\n权限范围：{needed}。".strip(), **schema)(func)
        func.docking_operation = operation_id
        func.docking_scopes = tuple(scopes)
        return func

    return wrap


# -- the views' base: audit --------------------------------------------------------------------------


class DockingView(ApiView):
    """Every docking view: bearer token, scope, the client's station, and one ``DockingCall`` per call."""

    authentication_classes = [DockingTokenAuthentication]
    permission_classes = [DockingScope]

    def dispatch(self, request, *args, **kwargs):
        self._started = time.monotonic()
        self.audit = {"case_id": kwargs.get("case_id"), "key": "", "fingerprint": ""}
        return super().dispatch(request, *args, **kwargs)

    @property
    def client(self) -> DockingClient:
        return self.request.auth

    @property
    def station(self):
        return self.client.station

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        try:
            self._record(request, response)
        except Exception:  # the audit must never turn an answer into a 500; it is logged loudly instead
            logger.exception("docking call audit failed: %s %s", request.method, request.path)
        return response

    def _record(self, request, response):
        client = request.__dict__.get("_auth")  # never authenticates again (a failed attempt left None)
        handler = getattr(self, request.method.lower(), None)
        case_id = self.audit.get("case_id")
        if not isinstance(case_id, int) or not 0 < case_id < 2**63:
            case_id = None
        DockingCall.objects.create(
            client=client if isinstance(client, DockingClient) else None,
            method=request.method[:10], path=request.get_full_path()[:500],
            operation_id=getattr(handler, "docking_operation", "")[:100], status_code=response.status_code,
            idempotency_key=(self.audit.get("key") or request.headers.get(IDEMPOTENCY_HEADER, ""))[:255],
            fingerprint=self.audit.get("fingerprint") or _light_fingerprint(request),
            case_id=case_id, ip_address=client_ip(request),
            duration_ms=int((time.monotonic() - self._started) * 1000),
        )

    def see(self, case_id):
        """Note the case for the audit (a resolved case, e.g. one just created)."""
        self.audit["case_id"] = case_id


def _light_fingerprint(request) -> str:
    return hashlib.sha256(f"{request.method}\n{request.get_full_path()}".encode("utf-8", "surrogatepass")).hexdigest()


# -- idempotency ------------------------------------------------------------------------------------


def idempotent(view: DockingView, request, call, **kwargs) -> Response:
    """``cases.idempotency.idempotent`` (the rule of every API write), with the key and the request's
    fingerprint noted for the call's audit row."""
    key = idempotency_key(request)
    fingerprint = request_fingerprint(request)
    view.audit.update(key=key or "", fingerprint=fingerprint)
    return idempotency.idempotent(request, call, sent=(key, fingerprint), **kwargs)


# -- pagination and lookups -------------------------------------------------------------------------


class DockingCursorPagination(CursorPagination):
    """Keyset pagination on the id: stable while new cases arrive. ``?page_size=`` up to 100."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-id",)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not re.fullmatch(r"\d{1,19}", str(cursor.position)):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"\d{1,3}", raw) or not 0 < int(raw) <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [
                _("每页条数应为1至%(n)d的整数。") % {"n": self.max_page_size}]})
        return int(raw)


def station_case(case_id, queryset):
    """The case ``case_id`` in ``queryset`` (already limited to the client's station), else 404."""
    case = queryset.filter(pk=check_id(case_id)).first()
    if case is None:
        raise Http404
    return case
