"""Writes of the security layer: audit records, disabling an account, session tracking.

Audit writes follow one rule (docs/security.md, "Audit log"):

- inside a business transaction (disabling a user, issuing a token) the record is written
  in that transaction with ``strict=True``: no record, no change;
- personal-data reads are recorded before the response leaves (``AuditMiddleware``): when the
  record cannot be written the data is not sent (503);
- authentication events (login, logout, failures) are best effort: a failed write is logged
  as an error and the request goes on, so an audit outage cannot lock everybody out.
"""
import logging
from importlib import import_module

from django.conf import settings
from django.db import DatabaseError, transaction
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
        with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
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
