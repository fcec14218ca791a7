"""Forms of the complainant's side: the navigator, registration, the complaint wizard's steps.

Forms validate and normalise (ID numbers, credit codes, phones, IP numbers through
``cases.validators``); the services in ``cases.intake.drafts`` write.
"""
import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import validators
from cases.intake import navigator
from cases.intake.drafts import route_fits
from cases.models import PATENT_KINDS, DisputeType, Industry, IPRightKind, Party, Route

REQUIRED_CHOICE = _("请选择一项。")


def _required(message):
    return {"required": message}


class GuideForm(forms.Form):
    """维权导航: six plain questions, no personal data."""

    right = forms.ChoiceField(
        label=_("1. 您的哪种权利受到了侵害或发生了争议？"), choices=navigator.RIGHT_CHOICES,
        widget=forms.RadioSelect, error_messages=_required(_("请选择权利的种类。")),
    )
    happened = forms.ChoiceField(
        label=_("2. 发生了什么？"), choices=navigator.HAPPENED_CHOICES, widget=forms.RadioSelect,
        error_messages=_required(_("请选择发生的情况。")),
    )
    wants = forms.ChoiceField(
        label=_("3. 您希望达到什么结果？"), choices=navigator.WANTS_CHOICES, widget=forms.RadioSelect,
        error_messages=_required(_("请选择您希望的结果。")),
    )
    court = forms.ChoiceField(
        label=_("4. 这件事是否已经起诉到法院？"), choices=navigator.COURT_CHOICES, widget=forms.RadioSelect,
        error_messages=_required(_("请选择是否已经起诉到法院。")),
    )
    other_side = forms.ChoiceField(
        label=_("5. 对方是否愿意协商解决？"), choices=navigator.OTHER_SIDE_CHOICES, widget=forms.RadioSelect,
        initial=navigator.OTHER_SIDE_UNKNOWN, error_messages=_required(_("请选择对方的态度。")),
    )
    quick_order = forms.ChoiceField(
        label=_("6. 是否希望行政机关尽快责令对方停止侵权？"), choices=navigator.QUICK_ORDER_CHOICES,
        widget=forms.RadioSelect, required=False,
        help_text=_("只对专利侵权纠纷有意义（行政裁决，俗称“速裁”）。其他情况可以不选。"),
    )


# -- registration -----------------------------------------------------------------------------


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages=_required(_("请填写您的姓名。")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("手机号码"), max_length=30, required=False,
        help_text=_("手机号码和电子邮箱至少填写一项，用于登录和接收案件通知。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, max_length=254,
        error_messages={"invalid": _("请填写有效的电子邮箱地址，如 name@example.com。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("设置密码"), strip=False, error_messages=_required(_("请设置密码。")),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), strip=False, error_messages=_required(_("请再次输入密码。")),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agree = forms.BooleanField(
        label=_("我已阅读并同意《个人信息保护告知书》"),
        error_messages=_required(_("请阅读并同意个人信息保护告知书后再注册。")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validation.password_validators_help_texts())

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        if not raw.strip():
            return ""
        validators.validate_phone(raw)
        phone = validators.normalize_phone(raw)
        if not (len(phone) == 11 and phone.isdigit()):
            raise ValidationError(_("请填写11位手机号码（用于接收短信通知），不能填写固定电话。"), code="mobile")
        if get_user_model().objects.filter(phone=phone).exists():
            raise ValidationError(_("该手机号码已经注册，请直接登录。"), code="taken")
        return phone

    def clean_email(self):
        email = BaseUserManager.normalize_email(self.cleaned_data.get("email", "").strip())
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("该电子邮箱已经注册，请直接登录。"), code="taken")
        return email

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not self.has_error("phone") \
                and not self.has_error("email"):
            self.add_error("phone", ValidationError(_("请至少填写手机号码或电子邮箱中的一项。"), code="contact"))
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", ValidationError(_("两次输入的密码不一致。"), code="mismatch"))
        if p1:
            probe = get_user_model()(
                username=cleaned.get("phone") or cleaned.get("email") or "", full_name=cleaned.get("full_name", ""),
                email=cleaned.get("email") or "", phone=cleaned.get("phone") or None,
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", [_password_message(e) for e in exc.error_list])
        return cleaned


# Django's zh_Hans catalogue leaves some plural password messages in English; these are ours.
_PASSWORD_MESSAGES = {
    "password_too_short": _("密码太短：至少需要%(min_length)d个字符。"),
    "password_too_common": _("这个密码太常见，容易被猜到，请换一个。"),
    "password_entirely_numeric": _("密码不能全是数字，请加入字母或符号。"),
    "password_too_similar": _("密码与您的姓名、手机号或邮箱太相似，请换一个。"),
}


def _password_message(error: ValidationError) -> ValidationError:
    message = _PASSWORD_MESSAGES.get(error.code)
    if message is None:
        return error
    return ValidationError(message, code=error.code, params=error.params)


# -- the complaint wizard ---------------------------------------------------------------------


class AmountField(forms.DecimalField):
    """An amount in yuan: accepts "1,000", "1，000元", full-width digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("error_messages", {
            "invalid": _("请填写金额数字，如 50000 或 50000.00。"),
            "min_value": _("金额不能为负数。"),
            "max_digits": _("金额过大，请核对。"),
            "max_whole_digits": _("金额过大，请核对。"),
            "max_decimal_places": _("金额最多保留两位小数（到分）。"),
        })
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = validators.normalize_id_number(value)  # full-width to ASCII, no spaces
            value = value.replace(",", "").replace("元", "").replace("￥", "").replace("¥", "")
        return super().to_python(value)


def checked(form, field, validate, normalize):
    """Validate ``field`` with ``validate``; return the normalised value ("" when invalid or empty)."""
    value = form.cleaned_data.get(field, "")
    if not value:
        return ""
    try:
        validate(value)
    except ValidationError as exc:
        form.add_error(field, exc)
        return ""
    return normalize(value)


def _require(form, field, message):
    if not form.cleaned_data.get(field) and not form.has_error(field):
        form.add_error(field, ValidationError(message, code="required"))


PARTY_KIND_CHOICES = [
    (Party.Kind.PERSON.value, _("个人（自然人）")),
    (Party.Kind.ORGANIZATION.value, _("企业或其他单位")),
]


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("申请人是"), choices=PARTY_KIND_CHOICES, widget=forms.RadioSelect,
        error_messages=_required(_("请选择申请人是个人还是单位。")),
    )
    name = forms.CharField(
        label=_("姓名或单位名称"), max_length=100, error_messages=_required(_("请填写申请人的姓名或单位名称。")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("居民身份证号码"), max_length=30, required=False, help_text=_("个人填写，18位。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, required=False,
        help_text=_("单位填写，18位，见营业执照。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, required=False, help_text=_("单位填写。"),
    )
    phone = forms.CharField(
        label=_("联系电话"), max_length=30, error_messages=_required(_("请填写联系电话。")),
        help_text=_("手机号码或带区号的固定电话，如023-41234567。"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, error_messages={"invalid": _("请填写有效的电子邮箱地址。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("地址"), max_length=200, error_messages=_required(_("请填写地址，用于送达文书。")),
        help_text=_("用于邮寄送达文书，请写到门牌号。"),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    has_agent = forms.BooleanField(label=_("我委托了代理人（律师或其他代理人）"), required=False)
    agent_name = forms.CharField(label=_("代理人姓名"), max_length=100, required=False)
    agent_id_number = forms.CharField(
        label=_("代理人居民身份证号码"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    agent_phone = forms.CharField(
        label=_("代理人联系电话"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Party.Kind.ORGANIZATION:
            cleaned["credit_code"] = checked(
                self, "credit_code", validators.validate_credit_code, validators.normalize_credit_code,
            )
            _require(self, "credit_code", _("单位申请人请填写统一社会信用代码。"))
            _require(self, "legal_representative", _("单位申请人请填写法定代表人。"))
            cleaned["id_number"] = ""
        elif kind == Party.Kind.PERSON:
            cleaned["id_number"] = checked(
                self, "id_number", validators.validate_id_number, validators.normalize_id_number,
            )
            _require(self, "id_number", _("个人申请人请填写居民身份证号码。"))
            cleaned["credit_code"] = ""
            cleaned["legal_representative"] = ""
        cleaned["phone"] = checked(self, "phone", validators.validate_phone, validators.normalize_phone)
        if cleaned.get("has_agent"):
            _require(self, "agent_name", _("请填写代理人姓名。"))
            cleaned["agent_id_number"] = checked(
                self, "agent_id_number", validators.validate_id_number, validators.normalize_id_number,
            )
            _require(self, "agent_id_number", _("请填写代理人的居民身份证号码。"))
            cleaned["agent_phone"] = checked(
                self, "agent_phone", validators.validate_phone, validators.normalize_phone,
            )
            _require(self, "agent_phone", _("请填写代理人的联系电话。"))
        else:
            cleaned["agent_name"] = cleaned["agent_id_number"] = cleaned["agent_phone"] = ""
        return cleaned


class RespondentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("被申请人是"), choices=PARTY_KIND_CHOICES, widget=forms.RadioSelect,
        initial=Party.Kind.ORGANIZATION, error_messages=_required(_("请选择被申请人是个人还是单位。")),
    )
    name = forms.CharField(
        label=_("姓名或单位名称"), max_length=100,
        error_messages=_required(_("请填写被申请人的姓名或单位名称。")),
        help_text=_("单位请填写营业执照上的全称；网店可填写店铺名称及其经营者。"),
    )
    identifier = forms.CharField(
        label=_("统一社会信用代码或身份证号码（选填）"), max_length=30, required=False,
        help_text=_("知道的请填写：单位填统一社会信用代码，个人填居民身份证号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(
        label=_("地址"), max_length=200, error_messages=_required(_("请填写被申请人的地址（住所或经营场所）。")),
    )
    phone = forms.CharField(
        label=_("联系电话（选填）"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Party.Kind.ORGANIZATION:
            cleaned["identifier"] = checked(
                self, "identifier", validators.validate_credit_code, validators.normalize_credit_code,
            )
        elif cleaned.get("kind") == Party.Kind.PERSON:
            cleaned["identifier"] = checked(
                self, "identifier", validators.validate_id_number, validators.normalize_id_number,
            )
        cleaned["phone"] = checked(self, "phone", validators.validate_phone, validators.normalize_phone)
        return cleaned


class RightForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("权利类型"), choices=[("", _("请选择"))] + list(IPRightKind.choices),
        error_messages=_required(_("请选择权利类型。")),
    )
    number = forms.CharField(
        label=_("专利号 / 注册号 / 登记号"), max_length=60, required=False,
        help_text=_("专利必填，如ZL202320123456.7；商标注册号、著作权登记号有则填写。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    title = forms.CharField(
        label=_("名称"), max_length=200, error_messages=_required(_("请填写权利的名称，如专利名称、商标、作品名称。")),
        help_text=_("专利名称、商标文字或图形说明、作品名称等。"),
    )
    holder = forms.CharField(label=_("权利人（选填）"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            try:
                cleaned["number"] = validators.normalize_ip_number(kind, cleaned.get("number", ""))
            except ValidationError as exc:
                self.add_error("number", exc)
        return cleaned


class AtLeastOneFormSet(forms.BaseFormSet):
    at_least_one_message = _("请至少填写一项。")
    too_many_message = _("最多填写%(max)d项。")

    def clean(self):
        if any(self.errors):
            return
        forms_filled = [f for f in self.forms if f.cleaned_data]
        if not forms_filled:
            raise ValidationError(self.at_least_one_message, code="too_few_forms")
        if len(self.forms) > self.max_num:
            raise ValidationError(self.too_many_message % {"max": self.max_num}, code="too_many_forms")


class AtLeastOneRespondent(AtLeastOneFormSet):
    at_least_one_message = _("请至少填写一名被申请人。")
    too_many_message = _("一份申请最多填写%(max)d名被申请人。")


class AtLeastOneRight(AtLeastOneFormSet):
    at_least_one_message = _("请至少填写一项涉案知识产权。")
    too_many_message = _("一份申请最多填写%(max)d项知识产权。")


RespondentFormSet = forms.formset_factory(
    RespondentForm, formset=AtLeastOneRespondent, extra=0, min_num=1, max_num=20, absolute_max=20,
)
RightFormSet = forms.formset_factory(
    RightForm, formset=AtLeastOneRight, extra=0, min_num=1, max_num=10, absolute_max=10,
)

COURT_INVOLVED_CHOICES = [
    ("no", _("没有")),
    ("yes", _("有，同一纠纷已经起诉或法院已经立案")),
]
ROUTE_CHOICES = [
    (Route.MEDIATION.value, _("调解（快调）：免费、自愿，一般30日内结束")),
    (Route.ADJUDICATION.value, _("行政裁决（速裁）：仅限专利侵权纠纷，可责令停止侵权，约3个月")),
    (Route.LITIGATION.value, _("诉讼：移送人民法院审理，可判决赔偿")),
]


class DisputeForm(forms.Form):
    dispute_type = forms.ChoiceField(
        label=_("纠纷类型"), choices=DisputeType.choices, widget=forms.RadioSelect,
        error_messages=_required(_("请选择纠纷类型。")),
    )
    industry = forms.ModelChoiceField(
        label=_("所属行业（选填）"), queryset=Industry.objects.none(), required=False, empty_label=_("请选择"),
        help_text=_("用于安排熟悉该行业的调解员。"),
    )
    facts = forms.CharField(
        label=_("事实与理由"), max_length=5000, min_length=20, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            **_required(_("请说明发生了什么。")),
            "min_length": _("请写得具体一些（至少20个字）：对方做了什么、什么时候、在哪里、造成了什么影响。"),
            "max_length": _("事实与理由不能超过%(limit_value)d个字（当前%(show_value)d个字）。"),
        },
        help_text=_("用平实的话写清楚：对方做了什么、什么时候发现的、在哪里、造成了什么影响。"),
    )
    claim_stop = forms.BooleanField(label=_("请求对方停止侵权（停止制造、销售、使用等行为）"), required=False)
    claim_damages = forms.BooleanField(label=_("请求对方赔偿经济损失"), required=False)
    damages_amount = AmountField(label=_("要求赔偿的金额（元）"), required=False)
    claim_other = forms.BooleanField(label=_("其他请求"), required=False)
    claim_other_text = forms.CharField(
        label=_("其他请求的内容"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    amount_in_dispute = AmountField(
        label=_("标的额（元，选填）"), required=False, help_text=_("争议涉及的金额；不清楚可以不填。"),
    )
    knowledge_date = forms.DateField(
        label=_("您知道权利受到侵害的日期（选填）"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请填写有效的日期，如2026-03-15。")},
        help_text=_("用于判断是否超过三年的时效。"),
    )
    court_involved = forms.ChoiceField(
        label=_("同一纠纷是否已经起诉到法院？"), choices=COURT_INVOLVED_CHOICES, widget=forms.RadioSelect,
        error_messages=_required(_("请选择是否已经起诉到法院。")),
    )
    preferred_route = forms.ChoiceField(
        label=_("希望的解决方式"), choices=ROUTE_CHOICES, widget=forms.RadioSelect,
        error_messages=_required(_("请选择希望的解决方式。")),
    )

    def __init__(self, *args, rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rights = list(rights or ())
        self.has_patent = any((r or {}).get("kind") in PATENT_KINDS for r in self.rights)
        self.fields["industry"].queryset = Industry.objects.filter(active=True).order_by("order", "name")

    def route_choices(self):
        """The routes offered: adjudication only when a patent right is involved."""
        return [
            (value, label) for value, label in ROUTE_CHOICES
            if value != Route.ADJUDICATION or self.has_patent
        ]

    def clean_knowledge_date(self):
        value = self.cleaned_data.get("knowledge_date")
        if value and value > timezone.localdate():
            raise ValidationError(_("知道权利受侵害的日期不能晚于今天。"), code="future")
        if value and value < datetime.date(1950, 1, 1):
            raise ValidationError(_("日期过早，请核对。"), code="past")
        return value

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("claim_stop") or cleaned.get("claim_damages") or cleaned.get("claim_other")):
            self.add_error("claim_stop", ValidationError(_("请至少选择一项请求。"), code="no_claim"))
        if cleaned.get("claim_damages"):
            _require(self, "damages_amount", _("请填写要求赔偿的金额。"))
        else:
            cleaned["damages_amount"] = None
        if cleaned.get("claim_other"):
            if not (cleaned.get("claim_other_text") or "").strip():
                _require(self, "claim_other_text", _("请写明其他请求的内容。"))
        else:
            cleaned["claim_other_text"] = ""
        route = cleaned.get("preferred_route")
        if route == Route.ADJUDICATION:
            if not self.has_patent:
                self.add_error("preferred_route", ValidationError(
                    _("行政裁决只适用于专利侵权纠纷：您填写的涉案知识产权中没有专利，请选择调解或诉讼。"),
                    code="route",
                ))
            elif cleaned.get("dispute_type") and not route_fits(cleaned["dispute_type"], self.rights, route):
                self.add_error("preferred_route", ValidationError(
                    _("行政裁决只适用于专利侵权纠纷：请把纠纷类型选为“侵权纠纷”，或选择调解、诉讼。"),
                    code="route",
                ))
        return cleaned


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("选择文件"), required=False,
        error_messages={"invalid": _("文件没有上传成功，请重新选择。"), "empty": _("文件为空，请重新选择。")},
    )
    description = forms.CharField(
        label=_("这份证据证明什么"), max_length=300, required=False,
        help_text=_("如“专利证书”“公证购买的侵权产品照片”“授权委托书”。"),
    )


class ReviewForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("本人承诺所填信息真实、准确，提交的证据材料真实有效。"),
        error_messages=_required(_("请勾选承诺后再提交。")),
    )


class SupplementAnswerForm(forms.Form):
    answer_text = forms.CharField(
        label=_("补正说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            **_required(_("请说明补正了哪些材料或内容。")),
            "max_length": _("补正说明不能超过%(limit_value)d个字（当前%(show_value)d个字）。"),
        },
        help_text=_("说明您补充了哪些材料、更正了哪些内容。补充的文件请先在“证据”中上传。"),
    )


# -- the wizard's step forms, from and to the draft's JSON ------------------------------------

FORMSET_STEPS = {"respondents": RespondentFormSet, "rights": RightFormSet}
FORM_STEPS = {"applicant": ApplicantForm, "dispute": DisputeForm}


def _form_kwargs(step, draft_data):
    if step == "dispute":
        return {"rights": draft_data.get("rights") or []}
    return {}


def step_form(step, draft_data, post=None, initial_override=None):
    """The form (or formset) of ``step``: bound to ``post`` or with the draft's values as initial."""
    kwargs = _form_kwargs(step, draft_data)
    if step in FORMSET_STEPS:
        cls = FORMSET_STEPS[step]
        if post is not None:
            return cls(post, prefix=step)
        initial = initial_override if initial_override is not None else (draft_data.get(step) or [{}])
        return cls(initial=initial or [{}], prefix=step)
    cls = FORM_STEPS[step]
    if post is not None:
        return cls(post, **kwargs)
    return cls(initial=draft_data.get(step) or {}, **kwargs)


def stored_form(step, draft_data):
    """The step's form bound to what the draft holds, to check it again before submission."""
    values = draft_data.get(step)
    if step in FORMSET_STEPS:
        rows = values or []
        data = {
            f"{step}-TOTAL_FORMS": str(len(rows)), f"{step}-INITIAL_FORMS": "0",
            f"{step}-MIN_NUM_FORMS": "1", f"{step}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            for key, value in (row or {}).items():
                data[f"{step}-{i}-{key}"] = "" if value is None else value
        return FORMSET_STEPS[step](data, prefix=step)
    data = {k: ("" if v is None else v) for k, v in (values or {}).items()}
    return FORM_STEPS[step](data, **_form_kwargs(step, draft_data))


def raw_rows(step, post):
    """The rows typed into a formset step, as entered (to re-render after add / remove)."""
    cls = FORMSET_STEPS[step]
    fields = list(cls.form.base_fields)
    try:
        total = int(post.get(f"{step}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    total = max(0, min(total, cls.absolute_max))
    rows = []
    for i in range(total):
        rows.append({name: post.get(f"{step}-{i}-{name}", "") for name in fields})
    return rows


def formset_cleaned_rows(formset):
    return [f.cleaned_data for f in formset.forms if f.cleaned_data]
