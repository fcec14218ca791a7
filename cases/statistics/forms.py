"""Forms of the statistics pages: dashboard filters, the PDF report, typical cases. Errors in plain Chinese."""
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Industry, IPRightKind, Tier
from cases.statistics.selectors import Filters, previous_month, scope_organizations
from cases.statistics.services import TEXT_LIMITS

MAX_SPAN_DAYS = 3660
EARLIEST = date(2000, 1, 1)
PERIODS = (
    ("this_year", _("本年度")),
    ("this_month", _("本月")),
    ("last_month", _("上月")),
    ("last_12_months", _("最近12个月")),
    ("last_year", _("上年度")),
    ("custom", _("自定义期间")),
)


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("统计期间"), choices=PERIODS, required=False,
                               error_messages={"invalid_choice": _("请选择列表中的统计期间。")})
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("请输入有效的日期，如2026-01-01。")})
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": _("请输入有效的日期，如2026-12-31。")})
    organization = forms.ModelChoiceField(
        label=_("机构"), queryset=None, required=False, empty_label=_("全部机构"),
        error_messages={"invalid_choice": _("请选择列表中的机构。")},
    )
    tier = forms.ChoiceField(label=_("所处环节"), required=False, choices=[("", _("全部环节")), *Tier.choices],
                             error_messages={"invalid_choice": _("请选择列表中的环节。")})
    ip_kind = forms.ChoiceField(label=_("知识产权类型"), required=False,
                                choices=[("", _("全部类型")), *IPRightKind.choices],
                                error_messages={"invalid_choice": _("请选择列表中的知识产权类型。")})
    industry = forms.ModelChoiceField(
        label=_("行业"), queryset=Industry.objects.filter(active=True), required=False, empty_label=_("全部行业"),
        error_messages={"invalid_choice": _("请选择列表中的行业。")},
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if scope.organization_id:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = scope_organizations(scope)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period = data.get("period") or "this_year"
        if period == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if "date_from" not in self.errors and start is None:
                self.add_error("date_from", _("自定义期间请填写起始日期。"))
            if "date_to" not in self.errors and end is None:
                self.add_error("date_to", _("自定义期间请填写截止日期。"))
            if start and end:
                if start > end:
                    self.add_error("date_to", _("截止日期不能早于起始日期。"))
                elif start < EARLIEST or end > today + timedelta(days=366):
                    self.add_error("date_from", _("统计期间应在2000年至明年之间。"))
                elif (end - start).days > MAX_SPAN_DAYS:
                    self.add_error("date_to", _("统计期间不能超过10年。"))
        elif period == "this_month":
            start, end = date(today.year, today.month, 1), today
        elif period == "last_month":
            start, end = previous_month(today)
        elif period == "last_12_months":
            year, month = (today.year, today.month - 11) if today.month == 12 else (today.year - 1, today.month + 1)
            start, end = date(year, month, 1), today
        elif period == "last_year":
            start, end = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
        else:
            start, end = date(today.year, 1, 1), today
        data["period"] = period
        if not self.errors:
            data["range"] = (start, end)
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        start, end = data["range"]
        labels = {}
        if data.get("organization"):
            labels["organization"] = data["organization"].name
        if data.get("tier"):
            labels["tier"] = str(Tier(data["tier"]).label)
        if data.get("ip_kind"):
            labels["ip_kind"] = str(IPRightKind(data["ip_kind"]).label)
        if data.get("industry"):
            labels["industry"] = data["industry"].name
        org = data.get("organization")
        industry = data.get("industry")
        return Filters(
            date_from=start, date_to=end, organization_id=org.pk if org else None, tier=data.get("tier") or "",
            ip_kind=data.get("ip_kind") or "", industry_id=industry.pk if industry else None, labels=labels,
        )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报表类型"), choices=(("month", _("月度报表")), ("year", _("年度报表"))),
                             widget=forms.RadioSelect, initial="month",
                             error_messages={"required": _("请选择报表类型。"),
                                             "invalid_choice": _("请选择月度报表或年度报表。")})
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100,
                              error_messages={"required": _("请填写年份。"), "invalid": _("年份应为4位数字。"),
                                              "min_value": _("年份不能早于2000年。"),
                                              "max_value": _("年份不能晚于2100年。")})
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False,
                               help_text=_("月度报表必填，1至12。"),
                               error_messages={"invalid": _("月份应为1至12的数字。"),
                                               "min_value": _("月份应为1至12。"), "max_value": _("月份应为1至12。")})

    def clean(self):
        data = super().clean()
        if data.get("kind") == "month" and data.get("month") is None and "month" not in self.errors:
            self.add_error("month", _("月度报表请填写月份。"))
        year = data.get("year")
        if year and year > timezone.localdate().year:
            self.add_error("year", _("报表期间尚未开始。"))
        elif year and data.get("kind") == "month" and data.get("month"):
            today = timezone.localdate()
            if (year, data["month"]) > (today.year, today.month):
                self.add_error("month", _("报表期间尚未开始。"))
        return data


def _text_field(label, limit, rows=None, required=True):
    return forms.CharField(
        label=label, max_length=limit, required=required,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={
            "required": format_lazy(_("请填写{field}。"), field=label),
            "max_length": format_lazy(_("{field}不能超过%(limit_value)d字（现有%(show_value)d字）。"), field=label),
        },
    )


class TypicalCaseForm(forms.Form):
    title = _text_field(_("标题"), TEXT_LIMITS["title"])
    facts = _text_field(_("基本案情"), TEXT_LIMITS["facts"], rows=8)
    claims = _text_field(_("请求事项"), TEXT_LIMITS["claims"], rows=3)
    outcome = _text_field(_("处理结果"), TEXT_LIMITS["outcome"], rows=3)
    significance = _text_field(_("典型意义"), TEXT_LIMITS["significance"], rows=4, required=False)
    mask_companies = forms.BooleanField(
        label=_("隐去单位名称（如“重庆某科技有限公司”）"), required=False,
        help_text=_("更改此项后请点击“重新生成隐名文本”。"),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=(("publish", _("同意发布")), ("reject", _("退回修改"))),
                                 widget=forms.RadioSelect,
                                 error_messages={"required": _("请选择同意发布或退回修改。"),
                                                 "invalid_choice": _("请选择同意发布或退回修改。")})
    note = forms.CharField(label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("退回时必填，告诉推荐人需要修改什么。"),
                           error_messages={"max_length": _("说明不能超过%(limit_value)d字（现有%(show_value)d字）。")})

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip() and "note" not in self.errors:
            self.add_error("note", _("退回时请填写理由。"))
        return data


class PublicFilterForm(forms.Form):
    ip_kind = forms.ChoiceField(label=_("知识产权类型"), required=False,
                                choices=[("", _("全部类型")), *IPRightKind.choices])
    industry = forms.ModelChoiceField(label=_("行业"), queryset=Industry.objects.filter(active=True), required=False,
                                      empty_label=_("全部行业"))
