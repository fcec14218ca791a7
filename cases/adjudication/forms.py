"""Forms of the 速裁 pages. They check input for the person filling them in; the services check the
same rules again (``apply_service_error`` puts a service's answer on the form)."""
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.adjudication.models import (
    AcceptanceCondition,
    Decision,
    FilingReview,
    Hearing,
    Recusal,
    RecusalGround,
)
from cases.adjudication.services.serving import ANSWER_MAX_CHARS
from cases.documents.models import Service
from cases.forms import EvidenceUploadForm, IdMultipleChoiceField

TEXT_MAX = 2000
YES, NO = "yes", "no"


def apply_service_error(form, exc):
    """Put a service's ValidationError on the form: by field where it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def _required(label):
    return {"required": _("请填写%(label)s。") % {"label": label}}


def _choice(label, choices, **kwargs):
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择%(label)s。") % {"label": label},
                        "invalid_choice": _("请选择有效的%(label)s。") % {"label": label}}, **kwargs,
    )


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写%(label)s。") % {"label": label},
                        "invalid": _("请填写有效的日期，例如2026-11-25。")},
    )


def _time(label, required=True):
    return forms.TimeField(
        label=label, required=required, widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": _("请填写%(label)s。") % {"label": label},
                        "invalid": _("请填写有效的时间，例如09:30。")},
    )


def _text(label, required=True, max_length=TEXT_MAX, rows=4, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=_textarea(rows), help_text=help_text,
        error_messages={**_required(label),
                        "max_length": _("%(label)s不能超过%(max)s字。") % {"label": label, "max": max_length}},
    )


def _line(label, required=True, max_length=100, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        error_messages={**_required(label),
                        "max_length": _("%(label)s不能超过%(max)s字。") % {"label": label, "max": max_length}},
    )


def _id_choice(label, queryset, **kwargs):
    return forms.ModelChoiceField(
        label=label, queryset=queryset, empty_label=_("请选择"),
        error_messages={"required": _("请选择%(label)s。") % {"label": label},
                        "invalid_choice": _("所选%(label)s不存在或不属于本案。") % {"label": label}}, **kwargs,
    )


def at_local(day, hour_minute=None):
    return timezone.make_aware(datetime.combine(day, hour_minute or time(9)))


class AdjForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


APPROVE_CHOICES = [(YES, _("批准")), (NO, _("不批准，退回"))]


class ReviewForm(AdjForm):
    """立案审查: each acceptance condition, then the proposal."""

    proposal = _choice(_("审查意见"), FilingReview.Proposal.choices)
    reason_text = _text(_("说明"), required=False, rows=3, help_text=_("将写入不予受理通知书；立案的可以不填。"))

    def __init__(self, *args, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        hints = hints or {}
        fields = {}
        for condition in AcceptanceCondition:
            fields[f"{condition.value}_ok"] = _choice(condition.label, [(YES, _("符合")), (NO, _("不符合"))],
                                                      initial=YES if hints.get(condition.value, True) else NO)
            fields[f"{condition.value}_note"] = forms.CharField(
                label=_("审查说明"), required=False, max_length=500,
                error_messages={"max_length": _("审查说明不能超过500字。")},
            )
        self.fields = {**fields, **self.fields}
        if not self.is_bound:
            failed = [c for c in AcceptanceCondition.values if not hints.get(c, True)]
            self.initial.setdefault("proposal", FilingReview.Proposal.REFUSE if failed else FilingReview.Proposal.FILE)

    @property
    def condition_rows(self):
        return [(self[f"{c.value}_ok"], self[f"{c.value}_note"]) for c in AcceptanceCondition]

    @property
    def checks(self):
        data = self.cleaned_data
        return {c: {"ok": data[f"{c}_ok"] == YES, "note": data.get(f"{c}_note", "")}
                for c in AcceptanceCondition.values}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for c in AcceptanceCondition:
            if data.get(f"{c.value}_ok") == NO and not (data.get(f"{c.value}_note") or "").strip():
                self.add_error(f"{c.value}_note", _("不符合的，请写明审查发现的情况。"))
        return data


class ApprovalForm(AdjForm):
    decision = _choice(_("审批结果"), APPROVE_CHOICES)
    note = _text(_("审批意见"), required=False, rows=3, help_text=_("退回或不批准的，请写明理由。"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == NO and not (data.get("note") or "").strip():
            self.add_error("note", _("请写明退回或不批准的理由。"))
        return data

    @property
    def approved(self):
        return self.cleaned_data["decision"] == YES


class PanelForm(AdjForm):
    members = IdMultipleChoiceField(
        label=_("合议组成员"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("三人以上的单数。"),
        error_messages={"required": _("请选择合议组成员。"), "invalid_choice": _("所选人员不是本机关的办案人员。"),
                        "invalid_pk_value": _("所选人员不是本机关的办案人员。")},
    )
    presiding = _id_choice(_("合议组组长"), None)

    def __init__(self, *args, handlers, current=(), presiding=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = handlers
        self.fields["members"].label_from_instance = lambda u: str(u)
        self.fields["presiding"].queryset = handlers
        if not self.is_bound:
            self.initial.setdefault("members", [m.pk for m in current])
            if presiding is not None:
                self.initial.setdefault("presiding", presiding.pk)

    def clean(self):
        data = super().clean()
        members = list(data.get("members") or [])
        if members and (len(members) < 3 or len(members) % 2 == 0):
            self.add_error("members", _("合议组应由三人以上的单数办案人员组成（当前选择了%(n)s人）。") % {
                "n": len(members)})
        if data.get("presiding") and members and data["presiding"] not in members:
            self.add_error("presiding", _("组长应从所选成员中指定。"))
        return data


class RecusalForm(AdjForm):
    member = _id_choice(_("回避对象"), None)
    ground = _choice(_("回避事由"), RecusalGround.choices)
    reason = _text(_("具体理由"), rows=3)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.user}（{m.get_role_display()}）"


class RecusalDecisionForm(AdjForm):
    recusal = _id_choice(_("回避申请"), None, widget=forms.HiddenInput)
    decision = _choice(_("决定"), [(YES, _("准予回避")), (NO, _("驳回申请"))])
    note = _text(_("决定理由"), required=False, rows=3, help_text=_("驳回的，请写明理由。"))

    def __init__(self, *args, recusals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recusal"].queryset = recusals

    def clean(self):
        data = super().clean()
        if data.get("decision") == NO and not (data.get("note") or "").strip():
            self.add_error("note", _("驳回回避申请的，请写明理由。"))
        return data


METHOD_CHOICES = [(m.value, m.label) for m in Service.Method]


class _ServiceTimes(AdjForm):
    method = forms.ChoiceField(label=_("送达方式"), choices=METHOD_CHOICES,
                               error_messages={"required": _("请选择送达方式。"),
                                               "invalid_choice": _("请选择有效的送达方式。")})
    sent_on = _date(_("送达日期"), required=False, help_text=_("不填为今天。"))
    received_on = _date(_("签收日期"), required=False,
                        help_text=_("已签收的填写；电子送达、平台送达以到达之日为送达日期，可不填。"))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name, label in (("sent_on", _("送达日期")), ("received_on", _("签收日期"))):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("%(label)s不能晚于今天。") % {"label": label})
        if data.get("sent_on") and data.get("received_on") and data["received_on"] < data["sent_on"]:
            self.add_error("received_on", _("签收日期不能早于送达日期。"))
        return data

    def times(self):
        data = self.cleaned_data
        sent = at_local(data["sent_on"]) if data.get("sent_on") else None
        received = at_local(data["received_on"], time(10)) if data.get("received_on") else None
        if received and not sent and data["received_on"] < timezone.localdate():
            sent = at_local(data["received_on"])
        return sent, received


class ServeRequestForm(_ServiceTimes):
    """答辩通知书 to every respondent not yet served."""


class ServeForm(_ServiceTimes):
    document = _id_choice(_("文书"), None)
    party = _id_choice(_("受送达人"), None)
    field_order = ["document", "party", "method", "sent_on", "received_on"]

    def __init__(self, *args, documents, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: f"{d.title}（{d.number}）"
        self.fields["party"].queryset = parties
        self.fields["party"].label_from_instance = lambda p: f"{p.name}（{p.get_role_display()}）"


class ReceiptForm(AdjForm):
    service = _id_choice(_("送达记录"), None, widget=forms.HiddenInput)
    received_on = _date(_("签收日期"))
    note = _line(_("备注"), required=False, max_length=300)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("签收日期不能晚于今天。"))
        return day


class ForwardForm(AdjForm):
    answer = _id_choice(_("答辩"), None, widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("送达方式"), choices=METHOD_CHOICES, initial=Service.Method.IN_APP,
                               error_messages={"required": _("请选择送达方式。"),
                                               "invalid_choice": _("请选择有效的送达方式。")})

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = answers


class AnswerForm(AdjForm):
    text = _text(_("答辩意见"), max_length=ANSWER_MAX_CHARS, rows=8,
                 help_text=_("请写明对请求人的请求事项和事实、理由的意见，不超过5000字；证据请在“证据”中上传。"))


class PaperAnswerForm(AnswerForm):
    party = _id_choice(_("答辩人"), None)
    received_on = _date(_("收到日期"))
    field_order = ["party", "received_on", "text"]

    def __init__(self, *args, respondents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = respondents

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("收到日期不能晚于今天。"))
        return day


class AdjEvidenceForm(EvidenceUploadForm):
    file = forms.FileField(label=_("证据文件"), error_messages={"required": _("请选择要上传的证据文件。"),
                                                            "empty": _("上传的文件是空的。")})
    confidential = forms.BooleanField(label=_("仅合议组可见（如涉及商业秘密）"), required=False)
    reason = _line(_("保密理由"), required=False, max_length=300,
                   help_text=_("选择仅合议组可见时必填；对方当事人看不到该证据。"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("confidential") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请写明保密理由。"))
        return data


class VisibilityForm(AdjForm):
    evidence = _id_choice(_("证据"), None, widget=forms.HiddenInput)
    confidential = _choice(_("可见范围"), [(YES, _("仅合议组可见")), (NO, _("双方当事人可见"))])
    reason = _line(_("保密理由"), required=False, max_length=300)

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence

    def clean(self):
        data = super().clean()
        if data.get("confidential") == YES and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请写明保密理由。"))
        return data


class QuestionForm(AdjForm):
    investigator = _id_choice(_("技术调查官"), None)
    questions = _text(_("技术问题"), max_length=5000, rows=6, help_text=_("请逐项列明需要技术调查官回答的问题。"))
    evidence = IdMultipleChoiceField(
        label=_("所需证据"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("技术调查官只能看到这里选择的证据。"),
        error_messages={"invalid_choice": _("所选证据不属于本案。"), "invalid_pk_value": _("所选证据不属于本案。")},
    )
    working_days = forms.IntegerField(
        label=_("期限（工作日）"), min_value=1, max_value=60,
        error_messages={"required": _("请填写期限。"), "invalid": _("期限应为1至60的整数。"),
                        "min_value": _("期限应为1至60个工作日。"), "max_value": _("期限应为1至60个工作日。")},
    )

    def __init__(self, *args, investigators, evidence, default_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = investigators
        self.fields["evidence"].queryset = evidence
        self.fields["evidence"].label_from_instance = lambda e: e.original_name
        self.initial.setdefault("working_days", default_days)


class OpinionForm(AdjForm):
    opinion = _text(_("技术调查意见"), max_length=20000, rows=12)


class WithdrawQuestionForm(AdjForm):
    question = _id_choice(_("技术调查"), None, widget=forms.HiddenInput)
    reason = _line(_("撤回理由"), max_length=500)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions


class HearingForm(AdjForm):
    day = _date(_("审理日期"))
    at = _time(_("开始时间"))
    place = _line(_("审理地点"), max_length=200)
    mode = _choice(_("审理方式"), Hearing.Mode.choices, initial=Hearing.Mode.IN_PERSON)

    def __init__(self, *args, earliest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if earliest:
            self.fields["day"].help_text = _("应至少提前3个工作日通知，最早可定于%(date)s。") % {
                "date": date_format(earliest, "DATE_FORMAT")}
            self.fields["day"].widget.attrs["min"] = earliest.isoformat()

    @property
    def scheduled_at(self):
        return at_local(self.cleaned_data["day"], self.cleaned_data["at"])


class HearingRecordForm(AdjForm):
    hearing = _id_choice(_("口头审理"), None, widget=forms.HiddenInput)
    attendees = _text(_("到庭人员"), max_length=1000, rows=2)
    record = _text(_("审理笔录"), max_length=50000, rows=10)

    def __init__(self, *args, hearings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].queryset = hearings


class AdjournForm(AdjForm):
    hearing = _id_choice(_("口头审理"), None, widget=forms.HiddenInput)
    reason = _text(_("延期理由"), max_length=1000, rows=2)
    day = _date(_("新的审理日期"), required=False, help_text=_("暂不确定的可以不填，确定后再通知。"))
    at = _time(_("开始时间"), required=False)

    def __init__(self, *args, hearings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].queryset = hearings

    def clean(self):
        data = super().clean()
        if data.get("day") and not data.get("at"):
            self.add_error("at", _("请填写新的开始时间。"))
        return data

    @property
    def scheduled_at(self):
        data = self.cleaned_data
        return at_local(data["day"], data["at"]) if data.get("day") and data.get("at") else None


class SuspensionRequestForm(AdjForm):
    invalidation_number = _line(_("无效宣告请求受理通知书编号"), max_length=60)
    invalidation_accepted_on = _date(_("国家知识产权局受理日期"))
    reason = _text(_("申请理由"), rows=3)

    def clean_invalidation_accepted_on(self):
        day = self.cleaned_data["invalidation_accepted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("受理日期不能晚于今天。"))
        return day


class StaffSuspensionRequestForm(SuspensionRequestForm):
    party = _id_choice(_("申请人（被请求人）"), None)
    field_order = ["party", "invalidation_number", "invalidation_accepted_on", "reason"]

    def __init__(self, *args, respondents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = respondents


class SuspensionDecisionForm(AdjForm):
    decision = _choice(_("决定"), [(YES, _("中止处理")), (NO, _("不予中止（理由明显不成立）"))])
    on = _date(_("中止日期"), required=False, help_text=_("不填为今天；中止期间所有期限停止计算。"))
    note = _text(_("决定理由"), required=False, rows=3, help_text=_("不予中止的，请写明理由。"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == NO and not (data.get("note") or "").strip():
            self.add_error("note", _("不予中止的，请写明理由。"))
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", _("中止日期不能晚于今天。"))
        return data


class ResumeForm(AdjForm):
    reason = _text(_("恢复理由"), rows=3, help_text=_("例如：国家知识产权局已作出维持专利权有效的审查决定。"))
    on = _date(_("恢复日期"), required=False, help_text=_("不填为今天；各期限自该日起继续计算。"))

    def clean_on(self):
        day = self.cleaned_data.get("on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("恢复日期不能晚于今天。"))
        return day


class MediationEndForm(AdjForm):
    outcome = _choice(_("调解结果"), [(YES, _("达成协议")), (NO, _("调解不成"))])
    amount = forms.DecimalField(
        label=_("赔偿金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
        error_messages={"invalid": _("请填写有效的金额。"), "min_value": _("金额不能为负数。"),
                        "max_digits": _("金额过大。"), "max_decimal_places": _("金额最多保留两位小数。")},
    )
    terms = _text(_("协议内容"), required=False, max_length=5000, rows=4)
    settles_case = forms.BooleanField(label=_("协议一并解决全部纠纷，本案以调解结案"), required=False)
    note = _text(_("说明"), required=False, rows=2, help_text=_("调解不成的，请简要说明。"))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == YES and not (data.get("terms") or "").strip():
            self.add_error("terms", _("请填写协议内容。"))
        if data.get("outcome") == NO and not (data.get("note") or "").strip():
            self.add_error("note", _("请简要说明调解不成的情况。"))
        return data


class ExtensionRequestForm(AdjForm):
    reason = _text(_("延长理由"), rows=3, help_text=_("例如：案情复杂，需要进行技术调查。"))


class DecisionForm(AdjForm):
    infringement_found = _choice(_("审理结论"), [(YES, _("侵权成立，责令停止侵权")), (NO, _("侵权不成立，驳回请求"))])
    acts = forms.MultipleChoiceField(
        label=_("责令停止的行为"), choices=Decision.Act.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("行政裁决只能责令停止侵权；赔偿问题可以调解。"),
        error_messages={"invalid_choice": _("请选择有效的侵权行为。")},
    )
    product = _line(_("被控侵权产品"), required=False, max_length=200)
    facts = _text(_("经审理查明"), max_length=20000, rows=8)
    reasoning = _text(_("本机关认为"), max_length=20000, rows=8)

    def clean(self):
        data = super().clean()
        if data.get("infringement_found") == YES and not data.get("acts"):
            self.add_error("acts", _("认定侵权成立的，请选择责令停止的行为。"))
        return data


class SuitForm(AdjForm):
    court = _line(_("受诉法院"), max_length=100, help_text=_("例如：重庆市第一中级人民法院。"))
    court_reference = _line(_("法院案号"), required=False, max_length=60)
    filed_on = _date(_("起诉日期"))

    def clean_filed_on(self):
        day = self.cleaned_data["filed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("起诉日期不能晚于今天。"))
        return day


class StaffSuitForm(SuitForm):
    party = _id_choice(_("起诉的当事人"), None)
    field_order = ["party", "court", "court_reference", "filed_on"]

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties
        self.fields["party"].label_from_instance = lambda p: f"{p.name}（{p.get_role_display()}）"


class PerformanceForm(AdjForm):
    performed = _choice(_("履行情况"), [(YES, _("已停止侵权")), (NO, _("未停止侵权（申请强制执行）"))])
    note = _text(_("跟踪情况"), rows=3)


class ConfirmForm(AdjForm):
    """An action without fields (start the mediation, confirm the decision is final)."""


RECUSAL_KINDS = Recusal.Kind
