"""Template helpers of the 速裁 pages and of the tier's panel on the case page."""
from django import template
from django.utils.translation import gettext_lazy as _

from cases.adjudication import links
from cases.models import Role

register = template.Library()

ROLE_LABELS = {
    Role.ENFORCEMENT_OFFICER.value: _("办案人员"),
    Role.ADJUDICATION_CHIEF.value: _("负责人"),
    Role.TECHNICAL_INVESTIGATOR.value: _("技术调查官"),
    "panel": _("合议组"),
}

TABS = [
    ("workspace", _("概览")),
    ("filing", _("立案")),
    ("panel", _("合议组")),
    ("service", _("送达与答辩")),
    ("evidence", _("证据")),
    ("technical", _("技术调查")),
    ("hearings", _("口头审理")),
    ("procedure", _("中止·延期·调解")),
    ("decision", _("裁决")),
    ("chart", _("流程图")),
]


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag
def adj_url(name, *args):
    """``{% adj_url "filing" case.pk %}``: a URL of the tier's pages, wherever they are mounted."""
    return links.url(name, *args)


@register.simple_tag(takes_context=True)
def adj_tabs(context, case, current):
    """The tabs of a case's 速裁 pages: ``[(url, label, is_current)]``."""
    return [(links.url(name, case.pk), label, name == current) for name, label in TABS]


@register.filter
def step_role(step):
    """Who a step waits for: a role's label, or the panel."""
    return ROLE_LABELS.get(getattr(step, "role", ""), "")


@register.simple_tag(takes_context=True)
def adjudication_panel(context, case):
    """``{% adjudication_panel case as adj %}``: the case page's 速裁 summary for ``request.user``, or None."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return None
    from cases.adjudication.selectors import case_panel_context

    return case_panel_context(user, case)


@register.simple_tag(takes_context=True)
def adjudication_counts(context):
    """``{% adjudication_counts as counts %}``: the home page cards' numbers, by the user's roles."""
    user = _user(context)
    if user is None or not user.is_authenticated or not user.has_role(
        Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF, Role.TECHNICAL_INVESTIGATOR,
    ):
        return None
    from cases.adjudication.selectors import queue_counts

    return queue_counts(user) or None


@register.simple_tag
def evidence_link(case, evidence):
    return links.url("evidence_download", case.pk, evidence.pk)


@register.filter
def field_of(form, name):
    """``form|field_of:"standing_ok"``: a bound field by a name built in the template."""
    try:
        return form[name]
    except KeyError:
        return None


@register.filter
def condition_label(value):
    from cases.adjudication.models import AcceptanceCondition

    try:
        return AcceptanceCondition(value).label
    except ValueError:
        return value
