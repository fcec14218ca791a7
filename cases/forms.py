from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Sign in with a username, mobile number or e-mail. One message for every failure."""

    username = forms.CharField(
        label=_("用户名 / 手机号 / 邮箱"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("账号或密码不正确。连续失败5次将锁定30分钟。"),
        "inactive": _("账号或密码不正确。连续失败5次将锁定30分钟。"),
    }


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("证据文件"))
    description = forms.CharField(label=_("证据说明"), max_length=300, required=False)
