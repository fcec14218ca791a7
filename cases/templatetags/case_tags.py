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
    "tribunal_transfer_acknowledged": gettext_lazy("法院签收移送"),
    "tribunal_docketed": gettext_lazy("法院立案"),
    "tribunal_package_downloaded": gettext_lazy("下载移送材料"),
    "court_reference_set": gettext_lazy("登记法院案号"),
    "tribunal_outcome_recorded": gettext_lazy("法院结案"),
    "tribunal_confirmation_accepted": gettext_lazy("受理司法确认"),
    "tribunal_confirmation_ruled": gettext_lazy("司法确认裁定"),
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
    "mediation_delegated": gettext_lazy("法院委派调解"),
    "mediation_assigned": gettext_lazy("指派调解员"),
    "mediation_claimed": gettext_lazy("调解员认领案件"),
    "mediation_accepted": gettext_lazy("调解员接受指派"),
    "mediation_declined": gettext_lazy("调解员谢绝指派"),
    "mediation_disclosure": gettext_lazy("调解员回避声明"),
    "mediation_released": gettext_lazy("调解员退回案件"),
    "mediation_recusal_requested": gettext_lazy("申请回避"),
    "mediation_recusal_decided": gettext_lazy("回避决定"),
    "mediation_session_scheduled": gettext_lazy("安排调解会议"),
    "mediation_session_rescheduled": gettext_lazy("调解会议改期"),
    "mediation_session_recorded": gettext_lazy("调解会议笔录"),
    "mediation_session_missed": gettext_lazy("调解会议未能举行"),
    "mediation_session_cancelled": gettext_lazy("取消调解会议"),
    "mediation_agreement_drafted": gettext_lazy("草拟调解协议"),
    "mediation_agreement_issued": gettext_lazy("发送调解协议确认稿"),
    "mediation_agreement_confirmed": gettext_lazy("当事人确认调解协议"),
    "mediation_agreement_confirm_failed": gettext_lazy("确认调解协议失败"),
    "mediation_agreement_all_confirmed": gettext_lazy("各方均已确认调解协议"),
    "mediation_agreement_signed": gettext_lazy("调解员签名"),
    "mediation_agreement_effective": gettext_lazy("调解协议生效"),
    "mediation_judicial_joined": gettext_lazy("同意共同申请司法确认"),
    "mediation_judicial_filed": gettext_lazy("申请司法确认"),
    "mediation_judicial_lapsed": gettext_lazy("司法确认申请期限届满"),
    "mediation_follow_up": gettext_lazy("履行回访"),
    "mediation_extension_requested": gettext_lazy("申请延长调解期限"),
    "mediation_extension_decided": gettext_lazy("延长调解期限的决定"),
    "mediation_court_report": gettext_lazy("向法院反馈调解结果"),
    "mediation_materials_returned": gettext_lazy("材料退回法院"),
    "mediation_deadline_reminded": gettext_lazy("期限提醒"),
    "mediation_deadline_escalated": gettext_lazy("逾期报告主任"),
    "survey_invited": gettext_lazy("发送满意度调查"),
    "survey_answered": gettext_lazy("当事人提交满意度评价"),
    "typical_case_proposed": gettext_lazy("推荐为典型案例"),
    "typical_case_published": gettext_lazy("典型案例发布"),
    "typical_case_rejected": gettext_lazy("典型案例推荐被退回"),
    # 速裁 adjudication
    "adjudication_received": gettext_lazy("收到行政裁决请求"),
    "adjudication_reviewed": gettext_lazy("立案审查意见"),
    "adjudication_review_returned": gettext_lazy("立案审查意见被退回"),
    "adjudication_filed": gettext_lazy("行政裁决立案"),
    "adjudication_repeat_infringer": gettext_lazy("标记重复侵权"),
    "adjudication_panel": gettext_lazy("指定合议组"),
    "adjudication_recusal_raised": gettext_lazy("提出回避"),
    "adjudication_recusal_decided": gettext_lazy("回避决定"),
    "adjudication_answer": gettext_lazy("提交答辩"),
    "adjudication_answer_lapsed": gettext_lazy("答辩期届满未答辩"),
    "adjudication_answer_forwarded": gettext_lazy("转送答辩书"),
    "adjudication_evidence_visibility": gettext_lazy("设置证据可见范围"),
    "adjudication_question": gettext_lazy("征询技术调查官"),
    "adjudication_question_withdrawn": gettext_lazy("撤回技术调查"),
    "adjudication_opinion": gettext_lazy("出具技术调查意见"),
    "adjudication_hearing": gettext_lazy("通知口头审理"),
    "adjudication_hearing_held": gettext_lazy("口头审理笔录"),
    "adjudication_hearing_adjourned": gettext_lazy("口头审理延期"),
    "adjudication_suspension_requested": gettext_lazy("申请中止处理"),
    "adjudication_suspension_refused": gettext_lazy("不予中止"),
    "adjudication_extension_requested": gettext_lazy("申请延长办案期限"),
    "adjudication_extension_approved": gettext_lazy("延长办案期限"),
    "adjudication_extension_refused": gettext_lazy("不予延长办案期限"),
    "adjudication_mediation_started": gettext_lazy("开始赔偿调解"),
    "adjudication_mediation_agreed": gettext_lazy("达成赔偿调解协议"),
    "adjudication_mediation_failed": gettext_lazy("赔偿调解不成"),
    "adjudication_decision_submitted": gettext_lazy("裁决书报批"),
    "adjudication_decision_returned": gettext_lazy("裁决书被退回"),
    "adjudication_decided": gettext_lazy("作出行政裁决"),
    "adjudication_decision_served": gettext_lazy("裁决书送达完毕"),
    "adjudication_suit": gettext_lazy("不服裁决起诉"),
    "adjudication_final": gettext_lazy("行政裁决生效"),
    "adjudication_performance": gettext_lazy("裁决履行情况"),
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
    "workflows/_case_panel.html",
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
