from django import forms
from django.utils.translation import gettext_lazy as _


class OTPTokenForm(forms.Form):
    """The 6-digit code of the authenticator app."""

    token = forms.RegexField(
        label=_("验证码"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("请输入验证器应用显示的6位数字。"), "required": _("请输入6位验证码。")},
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True,
        }),
        help_text=_(
            "打开手机上的验证器应用（如 Google Authenticator、Microsoft Authenticator、FreeOTP），输入显示的6位数字。"
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class OTPVerifyForm(OTPTokenForm):
    """The verification step: the authenticator's 6 digits, or one of the backup codes (xxxx-xxxx)."""

    token = forms.RegexField(
        label=_("验证码"), regex=r"^\s*(\d{6}|[A-Za-z2-7]{4}[-\s]?[A-Za-z2-7]{4})\s*$", max_length=20,
        error_messages={
            "invalid": _("请输入验证器应用显示的6位数字，或一个8位备用验证码（如 abcd-efgh）。"),
            "required": _("请输入6位验证码或备用验证码。"),
        },
        help_text=_("输入手机验证器应用显示的6位数字。手机不在身边时，可输入一个备用验证码（每个只能用一次）。"),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        return token if token.isdigit() else "".join(token.split()).replace("-", "").lower()
