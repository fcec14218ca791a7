"""Writes of the security layer: audit records, disabling an account, session tracking.

Audit writes follow one rule (docs/security.md, "Audit log"):

- inside a business transaction (disabling a user, issuing a token) the record is written
  in that transaction with ``strict=True``: no record, no change;
- personal-data reads are recorded before the response leaves (``AuditMiddleware``): when the
  record cannot be written the data is not sent (503);
- authentication events (login, logout, failures) are best effort: a failed write is logged
  as an error and the request goes on, so an audit outage cannot lock everybody out.
"""
import datetime
import logging
from importlib import import_module

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework.authtoken.models import Token

from cases.audit.models import AuditAction, AuditLog, AuditResult, UserSession

logger = logging.getLogger(__name__)

USER_AGENT_MAX = 255


def _snapshot(user):
    """The user's roles and organisation as they are now (they may change later)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, [], None
    roles = sorted(r.value for r in user.roles)
    if user.is_superuser:
        roles.append("superuser")
    return user, roles, user.organization_id


def audit_record(*, action, request=None, user=None, username="", result=AuditResult.SUCCESS,
                 obj=None, object_type="", object_id="", detail=None, strict=False):
    """Append one row to the audit log; returns it, or None when a best-effort write failed."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    user, roles, organization_id = _snapshot(user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    entry = AuditLog(
        user=user, username=(username or (user.get_username() if user else ""))[:150], roles=roles,
        organization_id=organization_id, action=action, result=result,
        object_type=object_type[:50], object_id=str(object_id or "")[:64], detail=detail or {},
    )
    if request is not None:
        meta = request.META
        entry.ip = meta.get("REMOTE_ADDR") or None
        entry.user_agent = meta.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        entry.method = request.method or ""
        entry.path = request.path[:255]
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
                entry.save()
        else:  # one INSERT is atomic by itself: no BEGIN/COMMIT around it (every page view writes one)
            entry.save()
    except DatabaseError:
        if strict:
            raise
        logger.exception("audit log write failed: %s %s", action, entry.username)
        return None
    return entry


def session_track(*, request, user):
    """Remember that this session belongs to ``user`` (called on login)."""
    key = request.session.session_key
    if key:
        UserSession.objects.update_or_create(session_key=key, defaults={"user": user})


def user_sessions_end(user) -> int:
    """End every session of ``user`` (any session engine): returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, actor, user, request=None, reason=""):
    """停用账号: the account cannot sign in, and its sessions and API tokens end now, not at expiry."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    sessions = user_sessions_end(user)
    tokens, _ = Token.objects.filter(user=user).delete()
    audit_record(
        action=AuditAction.USER_DISABLED, request=request, user=actor, object_type="cases.user",
        object_id=user.pk, detail={"username": user.get_username(), "sessions_ended": sessions,
                                   "tokens_revoked": tokens, "reason": reason[:200]},
        strict=True,
    )
    return user


class TokenRefused(Exception):
    """The password was right but the token cannot be issued (staff second factor)."""

    def __init__(self, code, message, status):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def token_issue(*, request, user, otp=""):
    """An API token for ``user`` (password already checked); staff must add a valid TOTP code.

    The code is checked outside the transaction so a wrong one still counts for django-otp's
    throttling and leaves its audit row.
    """
    from django.utils.translation import gettext as _
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.audit.middleware import otp_required
    from cases.audit.models import TokenVerification

    device = None
    if otp_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise TokenRefused("otp_not_enrolled", _("工作人员须先在网页登录并绑定验证器，之后才能获取令牌。"), 403)
        if not otp:
            raise TokenRefused("otp_required", _("工作人员须同时提交验证器显示的6位验证码（otp）。"), 400)
        allowed, _info = device.verify_is_allowed()
        if not allowed or not device.verify_token(otp):
            audit_record(action=AuditAction.OTP_FAILED, request=request, user=user,
                         result=AuditResult.DENIED if not allowed else AuditResult.FAILURE, detail={"api": True})
            if not allowed:
                raise TokenRefused("otp_throttled", _("验证码错误次数过多，请稍后再试。"), 429)
            raise TokenRefused("otp_invalid", _("验证码不正确或已过期。"), 400)
    with transaction.atomic():
        stale = Token.objects.filter(user=user).first()
        if stale is not None and token_expiry(stale):
            stale.delete()  # an expired token is never handed out again: a new key, a new lifetime
        token, created = Token.objects.get_or_create(user=user)
        if device is not None:
            TokenVerification.objects.update_or_create(token=token, defaults={"device": device.persistent_id[:64]})
            audit_record(action=AuditAction.OTP_SUCCESS, request=request, user=user, detail={"api": True},
                         strict=True)
        audit_record(action=AuditAction.TOKEN_CREATED, request=request, user=user, object_type="authtoken.token",
                     detail={"new": created, "otp": device is not None}, strict=True)
    return token


@transaction.atomic
def token_revoke(*, request, user):
    deleted, _ = Token.objects.filter(user=user).delete()
    audit_record(action=AuditAction.TOKEN_REVOKED, request=request, user=user, object_type="authtoken.token",
                 detail={"deleted": deleted}, strict=True)


# -- API token expiry ------------------------------------------------------------------------------

TOKEN_USE_WRITE_SECONDS = 60  # the idle clock is written at most this often per token


def token_expires_at(token):
    """When ``token`` ends at the latest (``IPDR_API_TOKEN_TTL_HOURS`` after it was issued), or None."""
    hours = settings.IPDR_API_TOKEN_TTL_HOURS
    return token.created + datetime.timedelta(hours=hours) if hours > 0 else None


def token_expiry(token, now=None) -> str:
    """Why ``token`` no longer counts: "ttl", "idle", or "" while it is valid."""
    now = now or timezone.now()
    expires_at = token_expires_at(token)
    if expires_at is not None and now >= expires_at:
        return "ttl"
    minutes = settings.IPDR_API_TOKEN_IDLE_MINUTES
    if minutes > 0:
        use = getattr(token, "use", None)  # a reverse one-to-one without a row raises an AttributeError
        last = use.last_used_at if use is not None else token.created
        if now >= last + datetime.timedelta(minutes=minutes):
            return "idle"
    return ""


def token_touch(token, now=None):
    """Move the idle clock of ``token`` (only with idle expiry on, at most once a minute)."""
    if settings.IPDR_API_TOKEN_IDLE_MINUTES <= 0:
        return
    from cases.audit.models import TokenUse

    now = now or timezone.now()
    use = getattr(token, "use", None)
    if use is None or (now - use.last_used_at).total_seconds() >= TOKEN_USE_WRITE_SECONDS:
        TokenUse.objects.update_or_create(token_id=token.pk, defaults={"last_used_at": now})


@transaction.atomic
def token_expire(*, token, reason, request=None):
    """访问令牌过期: the token is deleted (a client must sign in again) and the end is recorded."""
    _, deleted = Token.objects.filter(pk=token.pk).delete()
    audit_record(action=AuditAction.TOKEN_EXPIRED, request=request, user=token.user,
                 object_type="authtoken.token", detail={"reason": reason, "deleted": bool(deleted)}, strict=True)


def tokens_expired_sweep(now=None) -> int:
    """Delete every token whose lifetime is over, used again or not: a forgotten token does not
    wait in the table for its next use. Each one is recorded like an expiry met on a request."""
    from django.db.models import Q

    now = now or timezone.now()
    due = Q(pk__in=[])
    if settings.IPDR_API_TOKEN_TTL_HOURS > 0:
        due |= Q(created__lte=now - datetime.timedelta(hours=settings.IPDR_API_TOKEN_TTL_HOURS))
    if settings.IPDR_API_TOKEN_IDLE_MINUTES > 0:
        idle_since = now - datetime.timedelta(minutes=settings.IPDR_API_TOKEN_IDLE_MINUTES)
        due |= Q(use__last_used_at__lte=idle_since) | Q(use__isnull=True, created__lte=idle_since)
    ended = 0
    for token in Token.objects.filter(due).select_related("user", "use").order_by("created"):
        reason = token_expiry(token, now)
        if reason:
            token_expire(token=token, reason=reason)
            ended += 1
    return ended


# -- the staff second factor: backup codes and reset ------------------------------------------------

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"


def backup_code_normalize(code: str) -> str:
    """What the user typed, as generated: lower case, without the spaces and hyphen of the display."""
    return "".join(code.split()).replace("-", "").lower()


def backup_code_digest(code: str) -> str:
    """The stored form of a backup code: a keyed hash (HMAC with ``SECRET_KEY``), never the code.

    django-otp's ``otp_static`` keeps its tokens as typed; storing this digest instead means a copy
    of the database does not hold usable codes (nor, without the key, codes one could brute-force).
    The plugin's column holds 16 characters: 64 bits of the SHA-256 HMAC.
    """
    return salted_hmac("ipdr.otp_static.backup_code", backup_code_normalize(code), algorithm="sha256").hexdigest()[:16]


def backup_device(user):
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def otp_backup_codes_generate(*, user, request=None) -> list[str]:
    """生成备用验证码: 10 new one-time codes replace any earlier ones; returned once, stored hashed.

    The device is kept (only its codes change), so a session verified with a backup code stays verified.
    """
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = (StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
              or StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True))
    replaced, _ = device.token_set.all().delete()
    codes = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    codes = sorted(codes)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=backup_code_digest(c)) for c in codes])
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    audit_record(action=AuditAction.OTP_BACKUP_GENERATED, request=request, user=user,
                 object_type="otp_static.staticdevice", object_id=device.pk,
                 detail={"count": len(codes), "replaced": replaced}, strict=True)
    return [f"{c[:4]}-{c[4:]}" for c in codes]


@transaction.atomic
def otp_devices_reset(*, actor, user, request=None) -> int:
    """重置两步验证 (a lost phone): the user's authenticator and backup codes are removed, so the next
    sign-in leads to enrolment; sessions verified with them stop counting as verified, and API tokens
    obtained with them are revoked. Returns how many devices were removed."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.audit.models import TokenVerification

    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.filter(user=user).count()
    StaticDevice.objects.filter(user=user).delete()
    verified_tokens = TokenVerification.objects.filter(token__user=user).values("token_id")
    _, deleted = Token.objects.filter(pk__in=verified_tokens).delete()
    tokens = deleted.get(Token._meta.label, 0)
    audit_record(action=AuditAction.OTP_RESET, request=request, user=actor, object_type="cases.user",
                 object_id=user.pk, detail={"username": user.get_username(), "authenticators": totp,
                                            "backup_devices": static, "tokens_revoked": tokens},
                 strict=True)
    return totp + static
