"""Writes of the statistics app: typical-case publication, and the statistics report (a document).

Proposing, publishing and rejecting a typical case do not change the case; each is still
recorded on the case's timeline (staff only), in the transaction of the change.
"""
from dataclasses import replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.documents.models import DocumentType
from cases.documents.services import document_issue
from cases.models import TERMINAL_STATUSES, CaseStatus
from cases.services.events import event_record
from cases.statistics.anonymize import find_unmasked
from cases.statistics.models import TypicalCase

TEXT_LIMITS = {"title": 200, "facts": 5000, "claims": 2000, "outcome": 2000, "significance": 2000}


def field_labels() -> dict:
    return {"title": _("标题"), "facts": _("基本案情"), "claims": _("请求事项"), "outcome": _("处理结果"),
            "significance": _("典型意义")}


def default_outcome(case) -> str:
    """A first outcome summary from the closing status and the losses recovered."""
    texts = {
        CaseStatus.MEDIATED: _("经调解，双方自愿达成调解协议，被申请人停止侵权行为并赔偿申请人经济损失"),
        CaseStatus.MEDIATION_TERMINATED: _("经调解，双方未能达成协议，调解程序终止"),
        CaseStatus.ADJUDICATED: _("经行政裁决，责令被申请人立即停止侵权行为，裁决已生效"),
        CaseStatus.COURT_CLOSED: _("经人民法院审理，案件已审结"),
        CaseStatus.WITHDRAWN: _("申请人撤回申请，案件办结"),
        CaseStatus.REFUSED: _("经审查，申请不符合受理条件，决定不予受理"),
        CaseStatus.LAPSED: _("申请人未在期限内补正材料，申请终结"),
    }
    text = texts.get(case.status, "")
    if case.losses_recovered:
        text += _("，挽回经济损失%(amount)s万元") % {"amount": f"{case.losses_recovered / 10000:.2f}".rstrip("0")
                                                        .rstrip(".")}
    return text + "。" if text else ""


def _check_texts(texts: dict, case, mask_companies: bool):
    labels = field_labels()
    errors = {}
    for name, limit in TEXT_LIMITS.items():
        value = texts.get(name) or ""
        if name != "significance" and not value.strip():
            errors[name] = [_("请填写%(field)s。") % {"field": labels[name]}]
        elif len(value) > limit:
            errors[name] = [_("%(field)s不能超过%(limit)d字（现有%(count)d字）。") % {
                "field": labels[name], "limit": limit, "count": len(value)}]
    if errors:
        raise ValidationError(errors)
    problems = find_unmasked({labels[k]: texts.get(k, "") for k in TEXT_LIMITS}, case, mask_companies=mask_companies)
    if problems:
        raise ValidationError(problems, code="unmasked")


@transaction.atomic
def typical_case_propose(
    *, actor, case, title, facts, claims, outcome, significance="", mask_companies=False,
) -> TypicalCase:
    """推荐典型案例: a closed case's masked story, for a supervisor to approve.

    Refuses (ValidationError, nothing saved) a case still open, a case already proposed or
    published, and any text in which a name, number or address of the case is still readable.
    """
    if case.status not in TERMINAL_STATUSES:
        raise ValidationError(_("只有已办结的案件才能推荐为典型案例。"), code="status")
    if TypicalCase.objects.select_for_update().filter(
        case=case, state__in=[TypicalCase.State.PROPOSED, TypicalCase.State.PUBLISHED],
    ).exists():
        raise ValidationError(_("该案件已推荐为典型案例，正在审核或已发布。"), code="exists")
    texts = {"title": title.strip(), "facts": facts.strip(), "claims": claims.strip(), "outcome": outcome.strip(),
             "significance": (significance or "").strip()}
    _check_texts(texts, case, mask_companies)
    first_right = case.ip_rights.order_by("id").first()
    typical = TypicalCase.objects.create(
        case=case, **texts, mask_companies=mask_companies, ip_kind=first_right.kind if first_right else "",
        industry_id=case.industry_id, district_id=case.district_id, organization=actor.organization,
        proposed_by=actor, proposed_at=timezone.now(),
    )
    event_record(
        case=case, actor=actor, kind="typical_case_proposed", message=_("推荐为典型案例：%(title)s") % {
            "title": typical.title}, after={"typical_case": typical.pk},
    )
    return typical


@transaction.atomic
def typical_case_publish(*, actor, typical_case, note="") -> TypicalCase:
    """Approve and publish; checks the text again and refuses while anything is left unmasked."""
    locked = TypicalCase.objects.select_for_update(of=("self",)).select_related("case").get(pk=typical_case.pk)
    if locked.state != TypicalCase.State.PROPOSED:
        raise ValidationError(_("该典型案例不在待审核状态。"), code="status")
    _check_texts({k: getattr(locked, k) for k in TEXT_LIMITS}, locked.case, locked.mask_companies)
    now = timezone.now()
    locked.state = TypicalCase.State.PUBLISHED
    locked.reviewed_by, locked.reviewed_at, locked.published_at = actor, now, now
    locked.review_note = (note or "").strip()[:500]
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "published_at", "review_note"])
    event_record(case=locked.case, actor=actor, kind="typical_case_published",
                 message=_("典型案例已发布：%(title)s") % {"title": locked.title}, after={"typical_case": locked.pk})
    return locked


@transaction.atomic
def typical_case_reject(*, actor, typical_case, note) -> TypicalCase:
    """Send a proposal back with the reason; the director may propose the case again."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("退回时请填写理由。")]})
    locked = TypicalCase.objects.select_for_update(of=("self",)).select_related("case").get(pk=typical_case.pk)
    if locked.state != TypicalCase.State.PROPOSED:
        raise ValidationError(_("该典型案例不在待审核状态。"), code="status")
    locked.state = TypicalCase.State.REJECTED
    locked.reviewed_by, locked.reviewed_at, locked.review_note = actor, timezone.now(), note[:500]
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    event_record(case=locked.case, actor=actor, kind="typical_case_rejected", message=note[:500],
                 after={"typical_case": locked.pk})
    return locked


def report_period(kind: str, year: int, month: int | None = None) -> tuple[date, date, str]:
    """The first and last day of a monthly or annual report, and its label (2026年10月 / 2026年度)."""
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31), _("%(year)d年度") % {"year": year}
    end = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), end - timedelta(days=1), _("%(year)d年%(month)d月") % {"year": year, "month": month}


def statistics_report_issue(*, actor, scope, kind, year, month=None):
    """统计报表: the dashboard of a month or a year as an official PDF (numbered, hashed, verifiable).

    Official documents are Chinese whatever the user's language: the figures' labels, the tables
    and the title are made under ``zh-hans`` too, not only the template.
    """
    from cases.statistics.charts import dashboard_charts
    from cases.statistics.exports import report_tables
    from cases.statistics.selectors import Filters, figures

    if actor.organization_id is None:
        raise ValidationError(_("您的账号未归属任何机构，无法以机构名义制发统计报表。"), code="no_organization")
    today = timezone.localdate()
    with translation.override("zh-hans"):
        start, end, label = report_period(kind, year, month)
        if start > today:
            raise ValidationError({"year": [_("报表期间尚未开始。")]})
        if scope.kind == "city":
            scope = replace(scope, label=_("全市"))
        data = figures(scope, Filters(date_from=start, date_to=min(end, today)))
        title = _("%(scope)s知识产权纠纷化解统计报表（%(period)s）") % {"scope": scope.label, "period": label}
        context = {"data": data, "charts": dashboard_charts(data), "tables": report_tables(data),
                   "period_label": label, "scope_label": scope.label, "report_title": title,
                   "complete": end <= today}
    return document_issue(
        actor=actor, case=None, doc_type=DocumentType.STATISTICS_REPORT, organization=actor.organization,
        title=title, series=f"{kind}:{year}:{month or ''}", context=context,
    )
