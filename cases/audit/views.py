"""The staff second factor (TOTP, django-otp): enrolment with a QR code, then a code at every login;
backup codes (otp_static) on the account security page for a phone that is not at hand."""
import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit.forms import OTPTokenForm, OTPVerifyForm
from cases.audit.models import AuditAction, AuditResult, UserSession
from cases.audit.services import (
    audit_record,
    backup_code_digest,
    backup_device,
    otp_backup_codes_generate,
    session_track,
)

DEVICE_NAME = "authenticator"


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "home"


def _pending_device(user):
    """The unconfirmed device being enrolled (one per user), created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _grouped_secret(device) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """两步验证: the code of the enrolled authenticator, after the password."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk").first()
    if device is None:
        return redirect(f"{reverse('otp_setup')}?{request.GET.urlencode()}")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = OTPVerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["token"].isdigit():
                passed = _check(request, device, form)
            else:
                passed = _check_backup(request, form)
            if passed:
                return redirect(_next_url(request))
        status = 400
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url_raw(request)},
                  status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """绑定验证器: only while the account has no confirmed device (else a stolen password could add one)."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('otp_verify')}?{request.GET.urlencode()}")
    device = _pending_device(request.user)
    form = OTPTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _check(request, device, form, enrol=True):
            return redirect(_next_url(request))
        status = 400
    return render(request, "registration/otp_setup.html", {
        "form": form, "next": _next_url_raw(request), "secret": _grouped_secret(device),
    }, status=status)


@never_cache
@login_required
def otp_qr(request):
    """The enrolment QR code (an otpauth:// URL), as SVG; only for the device being enrolled."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        return HttpResponse(status=404)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _check_backup(request, form) -> bool:
    """A backup code instead of the authenticator's: each one works once (django-otp deletes it)."""
    device = backup_device(request.user)
    if device is None:
        form.add_error("token", _("您还没有备用验证码，请输入验证器显示的6位数字。"))
        audit_record(action=AuditAction.OTP_FAILED, request=request, result=AuditResult.FAILURE,
                     detail={"backup": True, "no_codes": True})
        return False
    return _check(request, device, form, backup=True)


def _check(request, device, form, enrol=False, backup=False) -> bool:
    """Verify the code with django-otp's throttling; record the outcome."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", _("验证码错误次数过多，请稍后再试。"))
        audit_record(action=AuditAction.OTP_FAILED, request=request, result=AuditResult.DENIED,
                     detail={"throttled": True, "backup": backup})
        return False
    token = form.cleaned_data["token"]
    with transaction.atomic():
        if not device.verify_token(backup_code_digest(token) if backup else token):
            if backup:
                form.add_error("token", _("备用验证码不正确或已经用过，每个备用验证码只能用一次。"))
            else:
                form.add_error("token", _("验证码不正确或已过期，请输入验证器当前显示的6位数字。"))
            audit_record(action=AuditAction.OTP_FAILED, request=request, result=AuditResult.FAILURE,
                         detail={"enrolment": enrol, "backup": backup})
            return False
        if backup:
            # Used and recorded together: no record, no sign-in with the code.
            audit_record(action=AuditAction.OTP_BACKUP_USED, request=request, object_type="otp_static.staticdevice",
                         object_id=device.pk, detail={"remaining": device.token_set.count()}, strict=True)
        if enrol:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            audit_record(action=AuditAction.OTP_ENROLLED, request=request, object_type="otp_totp.totpdevice",
                         object_id=device.pk, strict=True)
        otp_login(request, device)
        audit_record(action=AuditAction.OTP_SUCCESS, request=request, detail={"enrolment": enrol})
    old_key = request.session.session_key
    request.session.cycle_key()  # a new privilege level, a new session key
    UserSession.objects.filter(session_key=old_key).delete()
    session_track(request=request, user=request.user)
    return True


def _next_url_raw(request):
    target = _next_url(request)
    return "" if target == "home" else target


@never_cache
@login_required
@require_http_methods(["GET"])
def account_security(request):
    """账号安全: the second factor's state and the backup codes (how many are left)."""
    return render(request, "registration/account_security.html", _security_context(request))


@never_cache
@login_required
@require_http_methods(["POST"])
def otp_backup_codes(request):
    """生成备用验证码: shown on this answer only (never stored readable), replacing any earlier ones.

    Only after the second factor was passed in this session: a stolen password alone cannot print codes.
    """
    context = _security_context(request)
    if not context["can_generate"]:
        context["error"] = _("请先绑定验证器并完成两步验证，再生成备用验证码。")
        return render(request, "registration/account_security.html", context, status=400)
    context["codes"] = otp_backup_codes_generate(user=request.user, request=request)
    context["backup_left"] = len(context["codes"])
    return render(request, "registration/account_security.html", context)


def _security_context(request):
    user = request.user
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    backup = backup_device(user)
    return {
        "authenticator": authenticator,
        "verified": user.is_verified(),
        "backup_left": backup.token_set.count() if backup is not None else None,
        "can_generate": authenticator is not None and user.is_verified(),
    }
