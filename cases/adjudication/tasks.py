"""速裁 timers (Celery beat, hourly): answer periods that ran out, suit windows that ended, flows of
cases that ended elsewhere. Each step is idempotent: running it twice changes nothing more."""
import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.adjudication import flowlink
from cases.adjudication.services import _common as c
from cases.adjudication.services import adjudication_answer_lapse, adjudication_make_final
from cases.models import Case, CaseStatus, Deadline, Party

logger = logging.getLogger(__name__)


def lapse_answers(today=None) -> int:
    today = today or timezone.localdate()
    rows = Deadline.objects.filter(kind__startswith=f"{c.K_ANSWER}:", state=Deadline.State.RUNNING,
                                   due_date__lt=today, case__status=CaseStatus.ADJUDICATING)
    done = 0
    for deadline in rows.select_related("case"):
        party = Party.objects.filter(pk=deadline.kind.split(":", 1)[1], case=deadline.case).first()
        if party is not None and adjudication_answer_lapse(case=deadline.case, party=party):
            done += 1
    return done


def finalize_decisions(today=None) -> int:
    today = today or timezone.localdate()
    ids = Deadline.objects.filter(kind=c.K_SUIT, state=Deadline.State.RUNNING, due_date__lt=today,
                                  case__status=CaseStatus.ADJUDICATION_DECIDED).values_list("case_id", flat=True)
    done = 0
    for case in Case.objects.filter(pk__in=list(ids)):
        try:
            adjudication_make_final(case=case, today=today)
        except ValidationError:
            logger.info("case %s: decision not final yet", case.pk)
        else:
            done += 1
    return done


@shared_task(acks_late=True)
def adjudication_timers() -> dict:
    """Hourly: lapse ended answer periods, make decisions final after their suit window, close flows."""
    wf = flowlink.workflow()
    return {
        "answers_lapsed": lapse_answers(),
        "decisions_final": finalize_decisions(),
        "flows_closed": wf.close_finished_cases() if wf is not None else 0,
    }
