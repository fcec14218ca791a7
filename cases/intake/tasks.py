"""Intake timers (Celery beat): complaints whose supplement time ran out lapse."""
from celery import shared_task
from django.utils import timezone

from cases.intake.services import intake_lapse
from cases.models import Case, CaseStatus, Deadline


@shared_task(acks_late=True)
def lapse_overdue_supplements() -> int:
    """Idempotent: a case lapses once; re-running finds nothing more to do."""
    today = timezone.localdate()
    ids = Case.objects.filter(
        status=CaseStatus.SUPPLEMENT_REQUESTED, deadlines__kind="intake_supplement",
        deadlines__state=Deadline.State.RUNNING, deadlines__due_date__lt=today,
    ).values_list("pk", flat=True).distinct()
    return sum(intake_lapse(case=case, today=today) for case in Case.objects.filter(pk__in=list(ids)))
