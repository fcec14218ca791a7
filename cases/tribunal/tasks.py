"""Celery adapters of 精审: load by id, call a service. Idempotent, acknowledged late, retried."""

from celery import shared_task
from django.db import transaction

from cases.broker import delay_best_effort
from cases.models import Case


@shared_task(bind=True, acks_late=True, max_retries=6, default_retry_delay=30)
def transfer_letter_on_arrival(self, case_id: int, arrival_id: int):
    """Issue the 移送函 for one arrival at the station; a second run issues nothing (see the service)."""
    from cases.tribunal.services import transfer_letter_issue_on_arrival

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return None
    try:
        letter = transfer_letter_issue_on_arrival(case=case, arrival_id=arrival_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return letter.pk if letter is not None else None


def enqueue_transfer_letter(case) -> None:
    """After the arrival commits, ask a worker for the 移送函. Best effort: with the broker down the
    arrival still commits and the clerk issues the letter from the station page."""
    from cases.tribunal.services import arrival_event

    arrival = arrival_event(case)
    if arrival is None:
        return

    transaction.on_commit(lambda case_id=case.pk, arrival_id=arrival.pk: delay_best_effort(
        transfer_letter_on_arrival, case_id, arrival_id, waiting=f"the transfer letter of case {case_id} waits"))


@shared_task(acks_late=True)
def transfer_letters_sweep(older_than_seconds: int = 120) -> int:
    """Beat, every 5 minutes: enqueue the 移送函 of arrivals whose first enqueue was lost (broker outage).
    Safe to overlap with the first enqueue: the service issues one letter per arrival."""
    from cases.tribunal.selectors import arrivals_without_letter

    rows = arrivals_without_letter(older_than_seconds=older_than_seconds)
    for case_id, arrival_id in rows:
        transfer_letter_on_arrival.delay(case_id, arrival_id)
    return len(rows)
