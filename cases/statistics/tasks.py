"""Statistics timers (Celery beat): keep the aggregate tables at most minutes behind the cases."""
from celery import shared_task

from cases.statistics.refresh import refresh_aggregates as _refresh


@shared_task(acks_late=True)
def refresh_aggregates(full: bool = False) -> dict:
    """Every 5 minutes (incremental) and nightly (``full=True``). Idempotent; a run that finds
    another one in progress does nothing."""
    return _refresh(full=full)
