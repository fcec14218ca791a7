"""Survey timers (Celery beat): invite parties of closed cases, remind once, expire.

Every task is idempotent: an invitation is unique per (case, party), notices carry
idempotency keys, and the reminder is claimed by a conditional update.
"""
from celery import shared_task

from cases.models import Case
from cases.surveys.services import closed_cases_to_invite, survey_expire_due, survey_invite_case, survey_remind_due


@shared_task(acks_late=True)
def invite_closed_cases() -> int:
    """Every 5 minutes: invite each surveyed party of every case closed since and not invited yet."""
    created = 0
    for case in Case.objects.filter(pk__in=closed_cases_to_invite()).order_by("pk"):
        created += len(survey_invite_case(case=case, actor=None))
    return created


@shared_task(acks_late=True)
def remind_and_expire() -> dict:
    """Hourly: one reminder 3 days after the invitation; expiry after 30 days."""
    return {"reminded": survey_remind_due(), "expired": survey_expire_due()}
