"""The committee's time limits and loads: its own ``MediationRules`` row, else the settings defaults."""
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    consent_working_days: int
    accept_working_days: int
    limit_days: int
    delegated_days: int
    entrusted_days: int
    entrusted_simple_days: int
    confirmation_days: int
    remind_days_before: int
    max_load: int


_FIELDS = {
    "consent_working_days": "IPDR_MEDIATION_CONSENT_WORKING_DAYS",
    "accept_working_days": "IPDR_MEDIATION_ACCEPT_WORKING_DAYS",
    "limit_days": "IPDR_MEDIATION_LIMIT_DAYS",
    "delegated_days": "IPDR_MEDIATION_DELEGATED_DAYS",
    "entrusted_days": "IPDR_MEDIATION_ENTRUSTED_DAYS",
    "entrusted_simple_days": "IPDR_MEDIATION_ENTRUSTED_SIMPLE_DAYS",
    "confirmation_days": "IPDR_MEDIATION_CONFIRMATION_DAYS",
    "remind_days_before": "IPDR_MEDIATION_REMIND_DAYS_BEFORE",
    "max_load": "IPDR_MEDIATION_MAX_LOAD",
}
_FALLBACK = {
    "consent_working_days": 3, "accept_working_days": 3, "limit_days": 30, "delegated_days": 30,
    "entrusted_days": 15, "entrusted_simple_days": 7, "confirmation_days": 30, "remind_days_before": 1,
    "max_load": 8,
}


def rules_for(committee) -> Rules:
    """The rules of ``committee`` (an Organization, or None for the defaults)."""
    from mediation.models import MediationRules

    row = None
    if committee is not None and getattr(committee, "pk", None):
        row = MediationRules.objects.filter(committee_id=committee.pk).first()
    values = {}
    for field, setting in _FIELDS.items():
        own = getattr(row, field, None) if row is not None else None
        values[field] = own if own else getattr(settings, setting, _FALLBACK[field])
    return Rules(**values)
