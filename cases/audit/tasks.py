"""Security housekeeping (Celery beat)."""
from celery import shared_task

from cases.audit.services import tokens_expired_sweep


@shared_task(acks_late=True)
def delete_expired_tokens() -> int:
    """Hourly: API tokens past their lifetime (or idle limit) are deleted and recorded; idempotent."""
    return tokens_expired_sweep()
