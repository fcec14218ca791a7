"""Template helpers of the mediation tier: the case page's panel, the home page's numbers."""
from django import template
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Role

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def mediation_panel(context, case):
    """``{% mediation_panel case as panel %}``: what the case page shows of 快调 to ``request.user``."""
    from mediation.selectors import case_panel

    return case_panel(case, _user(context))


@register.simple_tag(takes_context=True)
def mediation_counts(context):
    """``{% mediation_counts as counts %}``: the home card's numbers for mediators and directors, else None."""
    from mediation import selectors

    user = _user(context)
    if user is None or not user.is_authenticated:
        return None
    counts = {}
    if user.has_role(Role.MEDIATOR):
        counts["mediator"] = selectors.mediator_counts(user)
    if user.has_role(Role.COMMITTEE_DIRECTOR):
        counts["director"] = selectors.board_counts(user)
    return counts or None


@register.filter
def cn_when(value):
    """Local date and time in the UI language (2026年11月21日 14:30 / 21 Nov 2026, 14:30).

    Kept for templates not yet moved to the plain ``date:"DATETIME_FORMAT"`` it now equals.
    """
    if not value:
        return ""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


@register.filter
def days_left(day):
    """Days from today to ``day`` (negative when past)."""
    if not day:
        return None
    return (day - timezone.localdate()).days


@register.filter
def get_item(mapping, key):
    """``steps|get_item:case.pk``."""
    return (mapping or {}).get(key)
