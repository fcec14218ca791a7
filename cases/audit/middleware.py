"""The request-level security controls: absolute session lifetime, the staff second factor,
``Cache-Control: no-store``, and the audit of denials and personal-data views.

Order in ``MIDDLEWARE``: after ``AuthenticationMiddleware`` and ``django_otp``'s ``OTPMiddleware``.
"""
import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from cases.audit.models import AuditAction, AuditResult
from cases.audit.receivers import LOGIN_AT_SESSION_KEY
from cases.audit.services import audit_record
from cases.models import STAFF_ROLES

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Views that show or hand out personal data (party names, ID and phone numbers, evidence, documents):
# view name -> (action, object type, URL keyword holding the object's id). Recorded on a 2xx answer.
PERSONAL_DATA_VIEWS = {
    "cases:detail": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "cases:evidence_download": (AuditAction.DOWNLOAD, "cases.evidence", "evidence_id"),
    "documents:download": (AuditAction.DOWNLOAD, "documents.document", "document_id"),
    "statistics:export": (AuditAction.EXPORT, "statistics.export", "fmt"),
    "workflows:triage": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "workflows:respondent_case": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "workflows:adjudication:workspace": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "workflows:adjudication:party": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "workflows:adjudication:evidence_download": (AuditAction.DOWNLOAD, "cases.evidence", "evidence_id"),
    "workflows:tribunal:case": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "workflows:tribunal:package": (AuditAction.DOWNLOAD, "cases.case", "case_id"),
    "mediation:work": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "v1:case-detail": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "v1:evidence-download": (AuditAction.DOWNLOAD, "cases.evidence", "evidence_id"),
    "v1:adjudication-detail": (AuditAction.VIEW_PERSONAL_DATA, "cases.case", "case_id"),
    "v1:adjudication-evidence-download": (AuditAction.DOWNLOAD, "cases.evidence", "evidence_id"),
}
# A 404 on a URL naming one of these is a probe for an object the user may not see
# (``cases.permissions`` answers 404 for a case that exists but is not the user's).
OBJECT_KWARGS = ("case_id", "evidence_id", "document_id", "question_id", "session_id", "pk")

# Pages a staff member reaches before the second factor.
OTP_EXEMPT_VIEWS = frozenset({"login", "logout", "otp_verify", "otp_setup", "otp_qr", "set_language"})


def is_staff_user(user) -> bool:
    """Staff roles, superusers and admin-site users: the accounts that must pass a second factor."""
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff or user.roles & STAFF_ROLES))


def otp_required(user) -> bool:
    return settings.IPDR_STAFF_OTP_REQUIRED and is_staff_user(user)


class SessionLifetimeMiddleware:
    """Ends a session a fixed time after the password login, however active it was (ASVS 7.3.2).

    The idle timeout is Django's: ``SESSION_COOKIE_AGE`` renewed by activity (once a minute at most: cases.sessions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            started = request.session.get(LOGIN_AT_SESSION_KEY)
            now = int(time.time())
            if started is None:
                request.session[LOGIN_AT_SESSION_KEY] = now  # a session from before this control
            elif now - started > settings.IPDR_SESSION_ABSOLUTE_SECONDS:
                audit_record(action=AuditAction.SESSION_EXPIRED, request=request, user=user,
                             detail={"age_seconds": now - started})
                logout(request)
                if request.path.startswith(API_PREFIX):
                    return JsonResponse({"detail": _("登录已过期，请重新登录。"), "code": "session_expired"},
                                        status=401)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class StaffOTPMiddleware:
    """Staff must pass the TOTP step after the password before any staff page or API call.

    Pages redirect to the verification (or, without a device yet, the enrolment) page; the API
    answers 403. Token-authenticated API calls are checked by ``OTPTokenAuthentication``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not otp_required(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and (match.url_name in OTP_EXEMPT_VIEWS or match.view_name in OTP_EXEMPT_VIEWS):
            return None
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": _("工作人员须先完成两步验证。"), "code": "otp_required"}, status=403)
        from django_otp import user_has_device

        target = "otp_verify" if user_has_device(user) else "otp_setup"
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))


class AuditMiddleware:
    """Records denials and personal-data views, once per request; marks personal responses no-store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        status = response.status_code
        if status == 403 or (status == 404 and match is not None and _names_object(match.kwargs)):
            user = getattr(request, "user", None)
            if status == 403 or (user is not None and user.is_authenticated):
                view = match.view_name if match else ""
                audit_record(
                    action=AuditAction.PERMISSION_DENIED, request=request, result=AuditResult.DENIED,
                    object_type=view[:50], object_id=_object_id(match.kwargs) if match else "",
                    detail={"status": status},
                )
        elif 200 <= status < 300 and match is not None and match.view_name in PERSONAL_DATA_VIEWS:
            response = self._record_personal(request, response, match)
        _no_store(request, response)
        return response

    @staticmethod
    def _record_personal(request, response, match):
        action, object_type, kwarg = PERSONAL_DATA_VIEWS[match.view_name]
        entry = audit_record(
            action=action, request=request, object_type=object_type, object_id=match.kwargs.get(kwarg, ""),
            detail={"view": match.view_name},
        )
        if entry is None:
            # No record, no data: personal data never leaves without its audit row (docs/security.md).
            response.close()
            return HttpResponse(_("系统暂时无法记录访问日志，请稍后再试。"), status=503,
                                content_type="text/plain; charset=utf-8")
        return response


def _names_object(kwargs) -> bool:
    return any(k in kwargs for k in OBJECT_KWARGS)


def _object_id(kwargs) -> str:
    return ",".join(f"{k}={kwargs[k]}" for k in OBJECT_KWARGS if k in kwargs)[:64]


def _no_store(request, response):
    """Nothing a browser or proxy keeps: every answer to a signed-in user, and every file handed out.

    Answers that say they are public (none today) keep their own caching.
    """
    if "public" in response.get("Cache-Control", ""):
        return
    user = getattr(request, "user", None)
    personal = (user is not None and user.is_authenticated) or response.has_header("Content-Disposition")
    if personal or response.get("Content-Type", "").startswith("application/pdf"):
        patch_cache_control(response, no_store=True)
