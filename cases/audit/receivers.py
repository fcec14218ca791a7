"""Authentication events into the audit log, and the session bookkeeping done at login."""
import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from cases.audit.models import AuditAction, AuditResult, UserSession
from cases.audit.services import audit_record, session_track

LOGIN_AT_SESSION_KEY = "ipdr_login_at"  # epoch seconds of the password login (absolute session lifetime)


def _http_request(request):
    """Django's HttpRequest behind a DRF Request (the token endpoint passes the latter)."""
    return getattr(request, "_request", request)


@receiver(user_logged_in, dispatch_uid="audit.login")
def _logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    request = _http_request(request)
    if hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = int(time.time())
        session_track(request=request, user=user)
    audit_record(action=AuditAction.LOGIN_SUCCESS, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    audit_record(action=AuditAction.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    request = _http_request(request) if request is not None else None
    locked = bool(getattr(request, "axes_locked_out", False))
    # The password is never recorded; the name typed is (it may be a phone number: masked in the admin).
    audit_record(
        action=AuditAction.LOGIN_FAILED, request=request, user=None, username=str(credentials.get("username", "")),
        result=AuditResult.DENIED if locked else AuditResult.FAILURE, detail={"locked_out": locked},
    )


@receiver(user_locked_out, dispatch_uid="audit.lockout")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        action=AuditAction.LOCKOUT, request=_http_request(request) if request is not None else None, user=None,
        username=str(username or ""), result=AuditResult.DENIED, detail={"ip_address": ip_address},
    )


@receiver(pre_save, sender=get_user_model(), dispatch_uid="audit.password_changed")
def _password_changed(sender, instance, raw=False, **kwargs):
    """``set_password`` leaves the raw password on the instance until it is saved: a change, not a creation."""
    if raw or instance._state.adding or getattr(instance, "_password", None) is None:
        return
    audit_record(
        action=AuditAction.PASSWORD_CHANGED, user=None, username=instance.get_username(),
        object_type="cases.user", object_id=instance.pk,
    )
