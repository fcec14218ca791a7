"""The survey panel on the case page (``surveys/_case_panel.html``) and the link of a party's own survey."""
from django import template

from cases.surveys.links import survey_path
from cases.surveys.selectors import case_survey_status

register = template.Library()


@register.simple_tag(takes_context=True)
def survey_case_status(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    if case is None or user is None or not user.is_authenticated:
        return {}
    return case_survey_status(case, user)


@register.simple_tag
def survey_link(invitation):
    return survey_path(invitation)
