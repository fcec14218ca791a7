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
