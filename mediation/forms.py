"""Forms of the mediation pages. They check what a person typed; the services check the rules
again and their answer is put back on the form (``apply_service_error``)."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import MediationSession, PerformanceFollowUp, RecusalRequest
from mediation.services.consent import TerminationReason

TEXT_MAX = 5000
NOTE_MAX = 2000


def apply_service_error(form, exc):
    """Put a service's ValidationError on the form: by field where it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class MediationForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def _required(label):
    return {"required": _("请填写%(label)s。") % {"label": label}}


class DisclosureMixin(forms.Form):
    NONE, CONFLICT = "none", "conflict"

    disclosure = forms.ChoiceField(
        label=_("回避声明"), widget=forms.RadioSelect,
        choices=[(NONE, _("本人不是本案当事人或其近亲属，与本案没有利害关系，与当事人没有可能影响公正调解的其他关系")),
                 (CONFLICT, _("本人存在可能影响公正调解的情况，如实披露如下（由调委会主任决定是否回避）"))],
        error_messages={"required": _("请作回避声明。"), "invalid_choice": _("请作回避声明。")},
    )
    statement = forms.CharField(label=_("披露的情况"), required=False, max_length=NOTE_MAX, widget=_textarea(3))

    def clean(self):
        data = super().clean()
        if data.get("disclosure") == self.CONFLICT and not (data.get("statement") or "").strip():
            self.add_error("statement", _("请写明需要披露的情况。"))
        return data

    @property
    def conflict(self) -> bool:
        return self.cleaned_data.get("disclosure") == self.CONFLICT


class ClaimForm(DisclosureMixin, MediationForm):
    """A mediator takes a case from the queue (with the disclosure every acceptance needs)."""


class RespondForm(DisclosureMixin, MediationForm):
    """The offered mediator accepts (with disclosure) or declines (with a reason)."""

    ACCEPT, DECLINE = "accept", "decline"
    answer = forms.ChoiceField(
        label=_("是否接受指派"), widget=forms.RadioSelect,
        choices=[(ACCEPT, _("接受指派，承办本案")), (DECLINE, _("谢绝指派"))],
        error_messages={"required": _("请选择接受或谢绝。"), "invalid_choice": _("请选择接受或谢绝。")},
    )
    reason = forms.CharField(label=_("谢绝理由"), required=False, max_length=500, widget=_textarea(2))
    field_order = ["answer", "disclosure", "statement", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disclosure"].required = False

    def clean(self):
        data = forms.Form.clean(self)
        if data.get("answer") == self.ACCEPT:
            if not data.get("disclosure"):
                self.add_error("disclosure", _("接受指派前请作回避声明。"))
            elif data.get("disclosure") == self.CONFLICT and not (data.get("statement") or "").strip():
                self.add_error("statement", _("请写明需要披露的情况。"))
        if data.get("answer") == self.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请写明谢绝的理由。"))
        return data


class AssignForm(MediationForm):
    mediator = forms.TypedChoiceField(
        label=_("调解员"), widget=forms.RadioSelect, coerce=int,
        error_messages={"required": _("请选择调解员。"), "invalid_choice": _("请选择可以承办本案的调解员。")},
    )
    note = forms.CharField(label=_("指派说明"), required=False, max_length=500, widget=_textarea(2))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["mediator"].choices = [(c.pk, str(c.mediator)) for c in candidates if not c.excluded]
        best = next((c for c in candidates if not c.excluded), None)
        if best is not None and not self.is_bound:
            self.initial.setdefault("mediator", best.pk)


class ReasonForm(MediationForm):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=_textarea(3),
                             error_messages=_required(_("理由")))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
            self.fields["reason"].error_messages = _required(label)


class SessionForm(MediationForm):
    mode = forms.ChoiceField(
        label=_("调解方式"), widget=forms.RadioSelect, choices=MediationSession.Mode.choices,
        error_messages={"required": _("请选择调解方式。"), "invalid_choice": _("请选择调解方式。")},
    )
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": _("请填写日期。"), "invalid": _("请填写有效的日期。")})
    time = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                           error_messages={"required": _("请填写开始时间。"),
                                           "invalid": _("请填写有效的时间，如14:30。")})
    duration_minutes = forms.IntegerField(
        label=_("预计时长（分钟）"), min_value=15, max_value=480, initial=90,
        error_messages={"required": _("请填写预计时长。"), "invalid": _("请填写分钟数。"),
                        "min_value": _("预计时长不能少于15分钟。"), "max_value": _("预计时长不能超过480分钟。")},
    )
    place = forms.CharField(label=_("地点"), required=False, max_length=200,
                            help_text=_("现场调解时填写，如：璧山区知识产权纠纷人民调解委员会第一调解室。"))
    meeting_link = forms.CharField(label=_("会议链接"), required=False, max_length=500,
                                   widget=forms.URLInput(attrs={"inputmode": "url"}),
                                   help_text=_("线上调解时填写，以 https:// 开头。"))

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        return data

    def service_errors_map(self):
        return {"starts_at": "date"}


class RescheduleForm(SessionForm):
    reason = forms.CharField(label=_("改期原因"), max_length=500, widget=_textarea(2),
                             error_messages=_required(_("改期原因")))


class RecordForm(MediationForm):
    attendees = forms.MultipleChoiceField(
        label=_("到场人员"), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请选择到场人员。")},
    )
    others = forms.CharField(label=_("其他到场人员"), required=False, max_length=500,
                             help_text=_("多人请用顿号或逗号分隔，如：王律师（申请人代理人）、张某（证人）。"))
    summary = forms.CharField(label=_("调解情况"), max_length=TEXT_MAX, widget=_textarea(6),
                              error_messages=_required(_("调解情况")),
                              help_text=_("各方陈述、争议焦点、调解员的工作和当事人的意见。"))
    next_steps = forms.CharField(label=_("下一步安排"), required=False, max_length=TEXT_MAX, widget=_textarea(3))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(p, p) for p in people]

    def clean(self):
        data = super().clean()
        names = list(data.get("attendees") or [])
        others = (data.get("others") or "").replace("，", "、").replace(",", "、").split("、")
        names += [n.strip() for n in others if n.strip()]
        if not names and "attendees" not in self.errors:
            self.add_error("attendees", _("请选择或填写到场人员。"))
        data["names"] = names
        return data


class AgreementForm(MediationForm):
    facts = forms.CharField(label=_("纠纷事实与争议事项"), max_length=TEXT_MAX, widget=_textarea(6),
                            error_messages=_required(_("纠纷事实与争议事项")))
    terms = forms.CharField(label=_("协议内容"), max_length=TEXT_MAX, widget=_textarea(6),
                            error_messages=_required(_("协议内容")),
                            help_text=_("双方达成的协议，每项一行，如：被申请人于2026年12月31日前停止制造、销售涉案产品。"))
    performance = forms.CharField(label=_("履行方式"), max_length=TEXT_MAX, widget=_textarea(3),
                                  error_messages=_required(_("履行方式")),
                                  help_text=_("如何履行，如：银行转账至申请人指定账户。"))
    performance_due = forms.DateField(label=_("履行期限"), widget=forms.DateInput(attrs={"type": "date"}),
                                      error_messages={"required": _("请填写履行期限。"),
                                                      "invalid": _("请填写有效的日期。")})
    amount = forms.DecimalField(label=_("协议金额（元）"), required=False, max_digits=14, decimal_places=2, min_value=0,
                                error_messages={"invalid": _("请填写金额，如 50000.00。"),
                                                "min_value": _("协议金额不能为负数。")})
    concerns_ownership_or_validity = forms.BooleanField(
        label=_("协议涉及知识产权权属或效力确认（不能申请司法确认）"), required=False,
    )


class ConfirmForm(MediationForm):
    read = forms.BooleanField(label=_("我已完整阅读调解协议书确认稿，同意协议内容"),
                              error_messages={"required": _("请先阅读协议并勾选同意。")})
    password = forms.CharField(label=_("登录密码"), strip=False, max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               error_messages={"required": _("请输入登录密码。")},
                               help_text=_("为确认是您本人操作，请再次输入登录密码。"))


class SignatureForm(MediationForm):
    party = forms.TypedChoiceField(label=_("现场签字的当事人"), coerce=int,
                                   error_messages={"required": _("请选择当事人。"),
                                                   "invalid_choice": _("请选择尚未确认的当事人。")})

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", _("请选择"))] + [(p.pk, p.name) for p in parties]


class RecusalForm(MediationForm):
    ground = forms.ChoiceField(label=_("回避事由"), widget=forms.RadioSelect, choices=RecusalRequest.Ground.choices,
                               error_messages={"required": _("请选择回避事由。"),
                                               "invalid_choice": _("请选择回避事由。")})
    reasons = forms.CharField(label=_("具体理由"), max_length=NOTE_MAX, widget=_textarea(4),
                              error_messages=_required(_("具体理由")))


class DecisionForm(MediationForm):
    GRANT, REJECT = "grant", "reject"
    decision = forms.ChoiceField(label=_("决定"), widget=forms.RadioSelect,
                                 error_messages={"required": _("请作出决定。"), "invalid_choice": _("请作出决定。")})
    note = forms.CharField(label=_("理由"), required=False, max_length=NOTE_MAX, widget=_textarea(3),
                           help_text=_("驳回或不批准时必填。"))

    def __init__(self, *args, grant_label, reject_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(self.GRANT, grant_label), (self.REJECT, reject_label)]

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("请写明理由。"))
        return data

    @property
    def granted(self) -> bool:
        return self.cleaned_data["decision"] == self.GRANT


class ExtensionForm(MediationForm):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=60, initial=15,
                              error_messages={"required": _("请填写延长天数。"), "invalid": _("请填写天数。"),
                                              "min_value": _("延长天数至少1天。"),
                                              "max_value": _("延长天数不能超过60天。")})
    reason = forms.CharField(label=_("延长理由"), max_length=NOTE_MAX, widget=_textarea(3),
                             error_messages=_required(_("延长理由")))
    parties_agreed = forms.BooleanField(label=_("双方当事人均同意延长调解期限"),
                                        error_messages={"required": _("延长调解期限须经双方当事人同意。")})
    agreement_note = forms.CharField(label=_("当事人同意的方式"), max_length=300,
                                     error_messages=_required(_("当事人同意的方式")),
                                     help_text=_("如：2026年11月20日第二次调解会议上双方口头同意，已记入笔录。"))


class FollowUpForm(MediationForm):
    result = forms.ChoiceField(label=_("履行情况"), widget=forms.RadioSelect,
                               choices=PerformanceFollowUp.Result.choices,
                               error_messages={"required": _("请选择履行情况。"),
                                               "invalid_choice": _("请选择履行情况。")})
    contact = forms.CharField(label=_("回访对象和方式"), max_length=200, error_messages=_required(_("回访对象和方式")),
                              help_text=_("如：电话回访申请人李明。"))
    note = forms.CharField(label=_("回访记录"), required=False, max_length=TEXT_MAX, widget=_textarea(3))


class TerminateForm(MediationForm):
    reason = forms.ChoiceField(
        label=_("终止原因"), widget=forms.RadioSelect,
        choices=[(r, TerminationReason.LABELS[r]) for r in TerminationReason.STAFF_CHOICES],
        error_messages={"required": _("请选择终止原因。"), "invalid_choice": _("请选择终止原因。")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=NOTE_MAX, widget=_textarea(3),
                           help_text=_("将写入终止调解通知书。"))


class JudicialForm(MediationForm):
    agree = forms.BooleanField(
        label=_("我同意与对方当事人共同向人民法院申请确认本调解协议的效力"),
        error_messages={"required": _("请勾选同意后提交。")},
    )
