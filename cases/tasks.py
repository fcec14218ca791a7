"""Celery adapters for the case file: load by id, call a service. Idempotent and retried."""
from celery import shared_task

from cases import notifications


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=30)
def deliver_notification(self, notification_id: int):
    """Send one notice; a gateway failure is retried with backoff, then marked failed."""
    try:
        return notifications.deliver(notification_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            notifications.mark_failed(notification_id)
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Re-enqueue notices still pending after a minute (a broker outage lost their first enqueue).

    Safe to overlap with the first enqueue: ``deliver`` sends a PENDING row only once.
    """
    return sum(notifications.enqueue(pk) for pk in notifications.pending_for_flush())
