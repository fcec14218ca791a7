from django import template

from cases.models import STATUS_TIER, Tier
from cases.selectors import case_page_fact
from cases.tribunal.models import ConfirmationRuling, CourtStage
from cases.tribunal.services import CLERK_ROLES

register = template.Library()


@register.simple_tag
def tribunal_panel(case, user):
    """What the case panel shows of the court stage (None when the case never reached the station)."""
    if case is None or getattr(case, "pk", None) is None:
        return None
    if "court_stage" in case._state.fields_cache:  # joined to the case on its page
        stage = case._state.fields_cache["court_stage"]
    else:
        stage = CourtStage.objects.filter(case_id=case.pk).first()
    ruling = None if case_page_fact(case, "confirmation_ruled") is False else (
        ConfirmationRuling.objects.filter(case_id=case.pk).order_by("-accepted_at", "-id").first())
    in_tier = STATUS_TIER.get(case.status) == Tier.TRIBUNAL
    if stage is None and ruling is None and not in_tier:
        return None
    station_staff = bool(user and user.is_authenticated and (user.is_superuser or user.has_role(*CLERK_ROLES)))
    return {"stage": stage, "ruling": ruling, "staff": station_staff and in_tier}
