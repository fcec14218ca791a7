"""The statistics card of the home page (supervisors, directors, chiefs)."""
from django import template

from cases.statistics.selectors import home_card

register = template.Library()


@register.simple_tag(takes_context=True)
def statistics_home_card(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return home_card(user)

