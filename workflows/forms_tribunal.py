"""The station's 委派/委托调解 form: the court's reference, the parties, the rights and the dispute.

Identifiers and phone numbers are checked with the project's validators here, so the clerk sees the
error next to the field; ``mediation_open_delegated`` (through ``case_create``) checks everything again.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import validators
from cases.intake.forms import (
    PARTY_KIND_CHOICES,
    AmountField,
    AtLeastOneRespondent,
    AtLeastOneRight,
    RightForm,
    checked,
)
from cases.models import DisputeType, Industry, Party

KIND_CHOICES = [
    ("delegated", _("委派调解（诉前，调解期限30日）")),
    ("entrusted", _("委托调解（立案后，调解期限15日；简易程序7日）")),
]


def _required(message):
    return {"required": message}


class DelegationForm(forms.Form):
    court_reference = forms.CharField(
        label=_("法院案号"), max_length=60, error_messages=_required(_("请填写法院案号。")),
        help_text=_("如（2026）渝0120民诉前调88号。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES, widget=forms.RadioSelect,
                             error_messages=_required(_("请选择委派调解或委托调解。")))
    simple_procedure = forms.BooleanField(label=_("适用简易程序（委托调解期限7日）"), required=False)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeType.choices, initial=DisputeType.INFRINGEMENT,
                                     error_messages=_required(_("请选择纠纷类型。")))
    industry = forms.ModelChoiceField(label=_("所属行业"), queryset=Industry.objects.none(), required=False,
                                      empty_label=_("请选择"))
    amount_in_dispute = AmountField(label=_("标的额（元）"), required=False)
    facts = forms.CharField(label=_("事实与理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                            error_messages=_required(_("请填写事实与理由。")))
    claims = forms.CharField(label=_("请求事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages=_required(_("请填写请求事项。")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(active=True).order_by("order", "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("simple_procedure") and cleaned.get("kind") == "delegated":
            self.add_error("simple_procedure", ValidationError(
                _("简易程序只适用于立案后的委托调解。"), code="simple_procedure"))
        return cleaned


class PartyForm(forms.Form):
    """One party of the delegated dispute: the applicant (identifier and phone required) or a respondent."""

    kind = forms.ChoiceField(label=_("个人或单位"), choices=PARTY_KIND_CHOICES, widget=forms.RadioSelect,
                             initial=Party.Kind.PERSON.value, error_messages=_required(_("请选择个人或单位。")))
    name = forms.CharField(label=_("姓名或单位名称"), max_length=100,
                           error_messages=_required(_("请填写姓名或单位名称。")))
    identifier = forms.CharField(
        label=_("身份证号码或统一社会信用代码"), max_length=30, required=False,
        help_text=_("个人填写18位居民身份证号码，单位填写18位统一社会信用代码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(label=_("法定代表人（单位）"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False,
                            help_text=_("手机号码或带区号的固定电话。"),
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, require_contact=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_contact = require_contact
        if require_contact:
            self.fields["identifier"].required = True
            self.fields["identifier"].error_messages["required"] = _("请填写身份证号码或统一社会信用代码。")
            self.fields["phone"].required = True
            self.fields["phone"].error_messages["required"] = _("请填写联系电话。")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Party.Kind.PERSON:
            cleaned["identifier"] = checked(self, "identifier", validators.validate_id_number,
                                            validators.normalize_id_number)
        elif cleaned.get("kind") == Party.Kind.ORGANIZATION:
            cleaned["identifier"] = checked(self, "identifier", validators.validate_credit_code,
                                            validators.normalize_credit_code)
        cleaned["phone"] = checked(self, "phone", validators.validate_phone, validators.normalize_phone)
        return cleaned

    def party(self, role) -> dict:
        """The ``case_create`` dict of this party."""
        data = self.cleaned_data
        person = data["kind"] == Party.Kind.PERSON
        return {
            "role": role, "kind": data["kind"], "name": data["name"].strip(),
            "id_number": data["identifier"] if person else "", "credit_code": "" if person else data["identifier"],
            "legal_representative": "" if person else data.get("legal_representative", ""),
            "phone": data.get("phone", ""), "address": data.get("address", ""),
        }


RespondentFormSet = forms.formset_factory(PartyForm, formset=AtLeastOneRespondent, extra=2, max_num=10, absolute_max=10)
RightFormSet = forms.formset_factory(RightForm, formset=AtLeastOneRight, extra=2, max_num=10, absolute_max=10)


class DelegationForms:
    """The page's forms together: validated together, errors from the service put back on the right field."""

    def __init__(self, data=None):
        self.main = DelegationForm(data, prefix="d")
        self.applicant = PartyForm(data, prefix="applicant", require_contact=True)
        self.respondents = RespondentFormSet(data, prefix="respondents")
        self.rights = RightFormSet(data, prefix="rights")

    @property
    def all(self):
        return [self.main, self.applicant, self.respondents, self.rights]

    def is_valid(self) -> bool:
        results = [f.is_valid() for f in self.all]  # every form validates, so every error shows at once
        return all(results)

    def service_kwargs(self) -> dict:
        d = self.main.cleaned_data
        respondents = [f.party(Party.PartyRole.RESPONDENT) for f in self.respondents.forms if f.cleaned_data]
        rights = [{k: f.cleaned_data.get(k, "") for k in ("kind", "number", "title", "holder")}
                  for f in self.rights.forms if f.cleaned_data]
        return {
            "court_reference": d["court_reference"], "kind": d["kind"], "simple_procedure": d["simple_procedure"],
            "dispute_type": d["dispute_type"], "industry": d["industry"], "amount_in_dispute": d["amount_in_dispute"],
            "facts": d["facts"], "claims": d["claims"],
            "parties": [self.applicant.party(Party.PartyRole.APPLICANT), *respondents], "ip_rights": rights,
        }

    def apply(self, exc: ValidationError) -> None:
        """Put the service's errors (``parties[1].phone``, ``ip_rights[0].number``, ``facts`` …) on the fields."""
        respondent_forms = [f for f in self.respondents.forms if f.cleaned_data]
        right_forms = [f for f in self.rights.forms if f.cleaned_data]
        messages = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        party_fields = {"id_number": "identifier", "credit_code": "identifier"}
        for key, errors in messages.items():
            form, field = self.main, key
            if key and key.startswith("parties[") and "]." in key:
                index, field = int(key[8:key.index("]")]), key.split(".", 1)[1]
                form = self.applicant if index == 0 else (respondent_forms + [None] * index)[index - 1]
                field = party_fields.get(field, field)
            elif key and key.startswith("ip_rights[") and "]." in key:
                index, field = int(key[10:key.index("]")]), key.split(".", 1)[1]
                form = (right_forms + [None] * (index + 1))[index]
            if form is None or field not in form.fields:
                self.main.add_error(None, errors)
            else:
                form.add_error(field, errors)
