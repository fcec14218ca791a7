"""Template helpers for the chain: which actions a user may take on a case, the clerk's counts."""
from django import template

from cases.models import Role
from workflows import selectors

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def applicant_actions(context, case):
    """``{% applicant_actions case as actions %}``: the links the case page offers ``request.user``.

    Keys: ``withdraw``, ``next_route`` (the applicant), ``respond`` (a respondent),
    ``record_consent``, ``triage`` (staff), ``any_party``, ``any_staff``.
    """
    return selectors.case_actions(case, _user(context))


@register.simple_tag(takes_context=True)
def intake_counts(context):
    """``{% intake_counts as counts %}``: the queue's numbers for an intake clerk, else None."""
    user = _user(context)
    if user is None or not user.is_authenticated or not user.has_role(Role.INTAKE_CLERK):
        return None
    return selectors.intake_counts(user)
