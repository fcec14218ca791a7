"""The station queue's header: how many of the station's delegations are in mediation, and overdue."""
from django import template

from cases.models import Organization

register = template.Library()


@register.simple_tag
def station_delegation_counts(user):
    """``{"pending": n, "overdue": m}`` for the user's circuit station; None for anyone else."""
    from mediation.selectors import station_delegation_counts as counts

    station = getattr(user, "organization", None)
    if station is None or station.kind != Organization.Kind.CIRCUIT_STATION:
        return None
    return counts(station)
