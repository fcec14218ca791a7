"""Celery adapters for documents: render a queued document; hand over the ones a broker outage held back.

Idempotency key: the Document row (one per case, type, series and version). Acknowledged late
(app-wide settings), so a worker killed mid-render loses nothing; a second delivery renders nothing.
"""
from celery import shared_task

from cases.documents import services


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def render_document(self, document_id: int) -> bool:
    """Render one queued document; an error (fonts, storage) is retried with backoff."""
    try:
        return services.document_render(document_id)
    except services.DocumentError:
        raise  # a bad template or context fails the same way every time
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(acks_late=True)
def flush_queued_documents() -> int:
    """Beat, every minute: enqueue queued documents whose first enqueue was lost."""
    return sum(services.enqueue_render(pk) for pk in services.queued_for_flush())
