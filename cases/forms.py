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


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose ids are checked to be 64-bit integers before any query.

    Django's own field sends an id like ``9999…9`` (40 digits) to the ``IN`` query, where the
    database driver fails with an overflow (a 500) instead of "not a valid choice".
    """

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk" and isinstance(value, list | tuple):
            for pk in value:
                try:
                    number = int(str(pk).strip())
                except ValueError:
                    continue  # Django's own check says "not a valid value"
                if not -(2**63) <= number < 2**63:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk},
                    )
        return super()._check_values(value)
