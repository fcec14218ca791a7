"""DRF token authentication that holds staff to the second factor."""
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from cases.audit.middleware import otp_required


class OTPTokenAuthentication(TokenAuthentication):
    """A staff member's token counts only if it was issued after a valid TOTP code (``TokenVerification``).

    Tokens issued before the second factor was required, or by hand in the admin, stop working
    for staff until they are obtained again with ``otp``.
    """

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "verification").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if otp_required(user) and not hasattr(token, "verification"):
            raise exceptions.AuthenticationFailed(_("工作人员的令牌须在两步验证后获取，请重新获取令牌。"))
        return user, token
