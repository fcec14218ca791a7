"""Template helpers for the case pages: masked identifiers, event labels, status hints.

Every user-visible string here goes through gettext so the English catalogue can cover it.
"""
from django import template
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.masking import mask_id_number, mask_phone, mask_text
from cases.models import CaseStatus
from cases.permissions import can_see_identifiers

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None else context.get("user")


def _allowed(context, party=None) -> bool:
    user = _user(context)
    return bool(user is not None and user.is_authenticated and can_see_identifiers(user, party))


@register.simple_tag(takes_context=True)
def party_id_number(context, party):
    """The party's ID number: in full for those who need it and for the party itself, else masked."""
    value = getattr(party, "id_number", "") or ""
    return value if _allowed(context, party) else mask_id_number(value)


@register.simple_tag(takes_context=True)
def party_phone(context, party):
    """The party's phone number: in full for those who need it and for the party itself, else masked."""
    value = getattr(party, "phone", "") or ""
    return value if _allowed(context, party) else mask_phone(value)


@register.simple_tag(takes_context=True)
def masked_text(context, text):
    """Free text (facts, claims) with ID and mobile numbers masked for roles that do not need them."""
    return text if _allowed(context) else mask_text(text)


EVENT_LABELS = {
    "case_submitted": gettext_lazy("提交申请"),
    "number_assigned": gettext_lazy("编立案号"),
    "status_changed": gettext_lazy("状态变更"),
    "evidence_added": gettext_lazy("提交证据"),
    "deadline_opened": gettext_lazy("期限开始计算"),
    "deadline_stopped": gettext_lazy("期限中止计算"),
    "deadline_resumed": gettext_lazy("期限恢复计算"),
    "deadline_extended": gettext_lazy("期限延长"),
    "deadline_completed": gettext_lazy("期限已完成"),
    "deadline_cancelled": gettext_lazy("期限已取消"),
    "deadline_recounted": gettext_lazy("期限重新计算"),
    "access_granted": gettext_lazy("授权"),
    "access_revoked": gettext_lazy("撤销授权"),
    "organization_changed": gettext_lazy("移交机构"),
    "intake_accepted": gettext_lazy("决定受理"),
    "supplement_answered": gettext_lazy("已补正材料"),
    "mediation_consent_answered": gettext_lazy("答复调解意愿"),
    "respondent_answer": gettext_lazy("提交答辩意见"),
    "document_issued": gettext_lazy("制发文书"),
    "document_served": gettext_lazy("送达文书"),
    "service_confirmed": gettext_lazy("签收文书"),
    "api_idempotency": gettext_lazy("接口请求记录"),
    "party_added": gettext_lazy("增加当事人"),
}


def _status_label(data):
    value = data.get("status") if isinstance(data, dict) else None
    if not value:
        return ""
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return str(value)


@register.filter
def event_label(event):
    """A human label for a ``CaseEvent``; status changes name the statuses before and after."""
    kind = getattr(event, "kind", "") or ""
    label = EVENT_LABELS.get(kind)
    if label is None:
        return kind
    if kind == "status_changed":
        before, after = _status_label(event.before), _status_label(event.after)
        if before and after:
            return _("状态变更：%(before)s → %(after)s") % {"before": before, "after": after}
        if after:
            return _("状态变更为：%(after)s") % {"after": after}
    return str(label)


@register.filter
def is_access_event(event):
    return (getattr(event, "kind", "") or "").startswith("access_")


STATUS_HINTS = {
    CaseStatus.SUBMITTED: gettext_lazy("您的申请已收到，受理员将在5个工作日内审查并决定是否受理。"),
    CaseStatus.SUPPLEMENT_REQUESTED: gettext_lazy(
        "材料不完整，请按补正通知在10日内补充材料；逾期未补正的，申请将终结。"
    ),
    CaseStatus.MEDIATION_CONSENT: gettext_lazy("已受理，正在征询对方是否同意调解。"),
    CaseStatus.MEDIATION_ASSIGNMENT: gettext_lazy("双方同意调解，正在为您指派调解员。"),
    CaseStatus.MEDIATING: gettext_lazy("调解员正在组织调解，请留意调解会议通知。"),
    CaseStatus.CONFIRMATION_PENDING: gettext_lazy("调解协议已提交法院申请司法确认，请等待法院审查。"),
    CaseStatus.ADJUDICATION_REVIEW: gettext_lazy("正在审查您的行政裁决请求，将在5个工作日内决定是否立案。"),
    CaseStatus.ADJUDICATING: gettext_lazy("行政裁决审理中，请留意答辩、口头审理等通知。"),
    CaseStatus.ADJUDICATION_SUSPENDED: gettext_lazy("行政裁决已中止处理，恢复后将通知您。"),
    CaseStatus.ADJUDICATION_DECIDED: gettext_lazy(
        "已作出裁决。对裁决不服的，可在收到裁决书之日起15日内向法院起诉。"
    ),
    CaseStatus.TRANSFERRED: gettext_lazy("案件已移送法院，法院将与您联系。"),
    CaseStatus.IN_COURT: gettext_lazy("案件正在法院审理中。"),
    CaseStatus.REFUSED: gettext_lazy("申请未被受理，理由见不予受理通知书。"),
    CaseStatus.LAPSED: gettext_lazy("因未在期限内补正材料，申请已终结。"),
    CaseStatus.WITHDRAWN: gettext_lazy("申请已撤回，案件已结束。"),
    CaseStatus.MEDIATED: gettext_lazy("调解成功，请按调解协议履行。"),
    CaseStatus.MEDIATION_TERMINATED: gettext_lazy(
        "调解未能达成协议，您可以申请行政裁决（限专利侵权纠纷）或向法院起诉。"
    ),
    CaseStatus.ADJUDICATED: gettext_lazy("裁决已生效，案件已结束。"),
    CaseStatus.COURT_CLOSED: gettext_lazy("法院已结案，案件已结束。"),
}


@register.filter
def status_hint(case):
    """What the status means for a party, and what happens next, in plain words."""
    hint = STATUS_HINTS.get(getattr(case, "status", None))
    return str(hint) if hint is not None else ""


@register.filter
def short_hash(value, length=12):
    value = value or ""
    return value[: int(length)] + "…" if len(value) > int(length) else value


@register.filter
def any_true(items, attr):
    """True when any item has a truthy ``attr`` (e.g. ``deadlines|any_true:"provisional"``)."""
    return any(getattr(item, attr, False) for item in items or ())


@register.simple_tag(takes_context=True)
def nav_current(context, url):
    """``aria-current`` value for a nav link: "page" on the page itself, "location" below it."""
    request = context.get("request")
    path = getattr(request, "path", "")
    if path == url:
        return "page"
    if url != "/" and path.startswith(url):
        return "location"
    return ""


@register.simple_tag(takes_context=True)
def district_name(context):
    """The user's district, or the deployment's default district."""
    user = _user(context)
    org = getattr(user, "organization", None) if user is not None and user.is_authenticated else None
    district = getattr(org, "district", None) if org is not None else None
    return district.name if district is not None else getattr(settings, "IPDR_DEFAULT_DISTRICT", "")


@register.simple_tag
def evidence_accept():
    """The ``accept`` attribute of the evidence file input: the extensions ``cases.uploads`` allows."""
    from cases.uploads import EXTENSIONS

    return ",".join(f".{ext}" for ext in EXTENSIONS)


@register.simple_tag
def evidence_max_mb():
    """The evidence size limit in MB, as a whole number when it is one."""
    mb = getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024) / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"


# Each tier app contributes a panel to the case page by shipping this template;
# a tier that is not installed simply has none.
TIER_PANELS = [
    "documents/_case_panel.html",
    "mediation/_case_panel.html",
    "adjudication/_case_panel.html",
    "tribunal/_case_panel.html",
    "surveys/_case_panel.html",
]


@register.simple_tag(takes_context=True)
def tier_panels(context):
    """Render every tier's case panel that exists, with the page's context."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    parts = []
    for name in TIER_PANELS:
        try:
            template = get_template(name)
        except TemplateDoesNotExist:
            continue
        parts.append(template.render(context.flatten(), context.get("request")))
    return mark_safe("".join(parts))  # noqa: S308 - our own rendered templates
