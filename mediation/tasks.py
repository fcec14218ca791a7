"""Celery adapters of the mediation tier: the beat's sweep and one reminder at a time.

The sweep (every 15 minutes by default, ``CELERY_BEAT_SCHEDULE["mediation-deadline-sweep"]``)
finds the reminders and escalations not sent yet and enqueues one task per reminder
through the broker; each task sends its reminder once (``ReminderLog``), is acknowledged
late and retried on failure, so a worker killed halfway loses nothing and repeats nothing.
"""
import datetime

from celery import shared_task
from django.utils import timezone

from mediation.services import reminders


@shared_task(acks_late=True)
def mediation_deadline_sweep(today: str | None = None) -> int:
    """Enqueue the due reminders; end lapsed confirmation windows and abandoned processes."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    due = reminders.due_reminders(day)
    for deadline_id, stage, due_date in due:
        mediation_deadline_remind.delay(deadline_id, stage, due_date)
    reminders.lapse_confirmation_windows(day)
    reminders.close_abandoned_processes()
    return len(due)


@shared_task(bind=True, acks_late=True, max_retries=6, default_retry_delay=30)
def mediation_deadline_remind(self, deadline_id: int, stage: str, due_date: str) -> bool:
    """Send one reminder or escalation (idempotent: a second run sends nothing)."""
    try:
        return reminders.deadline_remind(deadline_id=deadline_id, stage=stage, due_date=due_date)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
