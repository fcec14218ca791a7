"""Forms of the chain's pages. Validation here is for the person filling them in; the
services check the same rules again (``apply_service_error`` shows their answer)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.intake.models import RefusalGround, SupplementItem
from cases.intake.services import route_allowed
from cases.models import Route
from mediation.models import MediationConsent
from workflows.services import ANSWER_MAX_CHARS

NOTE_MAX = 2000

# Routes in plain words, for the clerk (accept) and for the applicant (after mediation).
ROUTE_LABELS = {
    Route.MEDIATION: _("调解：转调解委员会，征得被申请人同意后组织调解"),
    Route.ADJUDICATION: _("行政裁决：转区市场监督管理局（知识产权局），仅限专利侵权纠纷"),
    Route.LITIGATION: _("移送法院：转知识产权巡回审判站，由法院审理"),
}
NEXT_ROUTE_LABELS = {
    Route.ADJUDICATION: _("请求行政裁决：由区市场监督管理局（知识产权局）处理专利侵权纠纷，"
                          "可责令对方停止侵权；赔偿问题可在处理中调解"),
    Route.LITIGATION: _("向法院起诉：案件材料移送知识产权巡回审判站，由法院依法审理"),
}
ADJUDICATION_NOT_ALLOWED = _("行政裁决只适用于专利侵权纠纷，请选择调解或移送法院。")


def apply_service_error(form, exc):
    """Put a service's ValidationError on the form: by field where it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class WorkflowForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class AcceptForm(WorkflowForm):
    """受理 and route."""

    route = forms.ChoiceField(
        label=_("分流去向"), widget=forms.RadioSelect,
        choices=[(r.value, ROUTE_LABELS[r]) for r in Route],
        error_messages={"required": _("请选择分流去向。"), "invalid_choice": _("请选择有效的分流去向。")},
    )
    note = forms.CharField(
        label=_("受理意见"), required=False, max_length=NOTE_MAX, widget=_textarea(3),
        help_text=_("将写入受理通知书。"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.adjudication_allowed = route_allowed(case, Route.ADJUDICATION)
        offered = [(value, label) for value, label in self.fields["route"].choices
                   if value != Route.ADJUDICATION or self.adjudication_allowed]
        self.fields["route"].widget.choices = offered
        if not self.is_bound:
            preferred = case.preferred_route
            self.initial.setdefault(
                "route", preferred if any(v == preferred for v, _label in offered) else Route.MEDIATION,
            )

    def clean_route(self):
        route = self.cleaned_data["route"]
        if route == Route.ADJUDICATION and not self.adjudication_allowed:
            raise forms.ValidationError(ADJUDICATION_NOT_ALLOWED, code="route")
        return route


class SupplementForm(WorkflowForm):
    """补正: every missing item at once."""

    items = forms.MultipleChoiceField(
        label=_("需要补正的材料"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=SupplementItem.choices, error_messages={"invalid_choice": _("请选择有效的补正事项。")},
        help_text=_("已按完整性检查的结果预先勾选缺少的材料，请核对。"),
    )
    note = forms.CharField(
        label=_("其他需要补正的事项或说明"), required=False, max_length=NOTE_MAX, widget=_textarea(3),
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("items") and not (data.get("note") or "").strip():
            self.add_error("items", _("请至少列出一项需要补正的材料。"))
        return data


class RefuseForm(WorkflowForm):
    """不予受理 with written reasons."""

    grounds = forms.MultipleChoiceField(
        label=_("不予受理的理由"), widget=forms.CheckboxSelectMultiple, choices=RefusalGround.choices,
        error_messages={"required": _("请至少选择一项不予受理的理由。"),
                        "invalid_choice": _("请选择有效的不予受理理由。")},
    )
    reason_text = forms.CharField(
        label=_("具体理由"), required=False, max_length=NOTE_MAX, widget=_textarea(3),
        help_text=_("选择“其他理由”时必填；将写入不予受理通知书。"),
    )

    def clean(self):
        data = super().clean()
        if RefusalGround.OTHER in (data.get("grounds") or []) and not (data.get("reason_text") or "").strip():
            self.add_error("reason_text", _("选择“其他理由”时，请写明具体理由。"))
        return data


class _ConsentFields(WorkflowForm):
    AGREE, REFUSE = "agree", "refuse"

    answer = forms.ChoiceField(
        label=_("是否同意调解"), widget=forms.RadioSelect,
        choices=[(AGREE, _("同意调解")), (REFUSE, _("不同意调解"))],
        error_messages={"required": _("请选择是否同意调解。"), "invalid_choice": _("请选择是否同意调解。")},
    )
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=NOTE_MAX, widget=_textarea(3),
        help_text=_("不同意调解时必填。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.REFUSE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请简要说明不同意调解的理由。"))
        return data

    @property
    def agreed(self) -> bool:
        return self.cleaned_data["answer"] == self.AGREE


class ConsentForm(_ConsentFields):
    """The respondent's own answer to the invitation to mediate."""


class RecordConsentForm(_ConsentFields):
    """A respondent's answer given by phone or in person, recorded by staff."""

    consent = forms.ModelChoiceField(
        label=_("被申请人"), queryset=MediationConsent.objects.none(),
        error_messages={"required": _("请选择被申请人。"), "invalid_choice": _("该被申请人已经答复或不属于本案。")},
    )
    channel = forms.ChoiceField(
        label=_("答复方式"), widget=forms.RadioSelect,
        choices=[(MediationConsent.Channel.PHONE.value, _("电话答复")),
                 (MediationConsent.Channel.IN_PERSON.value, _("现场答复"))],
        error_messages={"required": _("请选择答复方式。"), "invalid_choice": _("请选择答复方式。")},
    )
    field_order = ["consent", "channel", "answer", "reason"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["consent"]
        field.queryset = (MediationConsent.objects.filter(case=case, answered_at__isnull=True)
                          .select_related("party").order_by("party_id"))
        field.label_from_instance = lambda consent: consent.party.name
        field.empty_label = _("请选择")
        if not self.is_bound and len(field.queryset) == 1:
            self.initial.setdefault("consent", field.queryset[0].pk)


class AnswerForm(WorkflowForm):
    """答辩意见."""

    text = forms.CharField(
        label=_("答辩意见"), max_length=ANSWER_MAX_CHARS, widget=_textarea(8),
        help_text=_("请写明您对申请人请求事项和事实理由的意见，不超过5000字。"),
        error_messages={"required": _("请填写答辩意见。"),
                        "max_length": _("答辩意见不能超过%(limit_value)d字（现有%(show_value)d字）。")},
    )


class WithdrawForm(WorkflowForm):
    reason = forms.CharField(
        label=_("撤回理由"), required=False, max_length=500, widget=_textarea(3),
        help_text=_("选填，例如：双方已自行和解。"),
    )


class NextRouteForm(WorkflowForm):
    route = forms.ChoiceField(
        label=_("您希望如何继续"), widget=forms.RadioSelect,
        error_messages={"required": _("请选择一种方式。"), "invalid_choice": _("本案当前不能转入该程序。")},
    )

    def __init__(self, *args, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [(r, NEXT_ROUTE_LABELS[Route(r)]) for r in routes]
