"""DRF token authentication that holds staff to the second factor and ends tokens after their lifetime."""
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from cases.audit.middleware import otp_required
from cases.audit.services import token_expire, token_expiry, token_touch

EXPIRED_MESSAGES = {
    "ttl": _("访问令牌已过期，请重新获取令牌。"),
    "idle": _("访问令牌长时间未使用，已失效，请重新获取令牌。"),
}


class OTPTokenAuthentication(TokenAuthentication):
    """A token counts until ``IPDR_API_TOKEN_TTL_HOURS`` after it was issued (and, when set, until
    ``IPDR_API_TOKEN_IDLE_MINUTES`` unused): an expired one is deleted and answers 401 ``token_expired``.

    A staff member's token counts only if it was issued after a valid TOTP code (``TokenVerification``).
    Tokens issued before the second factor was required, or by hand in the admin, stop working
    for staff until they are obtained again with ``otp``.
    """

    def authenticate(self, request):
        self._request = request  # the audit record of an expiry names the request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "verification", "use").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        reason = token_expiry(token)
        if reason:
            token_expire(token=token, reason=reason, request=getattr(self, "_request", None))
            raise exceptions.AuthenticationFailed({"detail": EXPIRED_MESSAGES[reason], "code": "token_expired"})
        if otp_required(user) and not hasattr(token, "verification"):
            raise exceptions.AuthenticationFailed(_("工作人员的令牌须在两步验证后获取，请重新获取令牌。"))
        token_touch(token)
        return user, token
