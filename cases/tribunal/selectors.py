"""Read side of 精审: the station's queue and a case's court stage."""
from django.db.models import OuterRef, Subquery

from cases.models import CaseEvent, CaseStatus, Organization
from cases.pagination import Keyset
from cases.permissions import visible_cases

QUEUE_STATUSES = (CaseStatus.TRANSFERRED, CaseStatus.IN_COURT, CaseStatus.CONFIRMATION_PENDING)


# Oldest arrival first (arrival unknown last), then id.
QUEUE_KEYS = Keyset("arrived_at", "id")


def station_queue(user) -> dict:
    """The station's open cases by kind of work (querysets), oldest arrival first; page with ``QUEUE_KEYS``."""
    arrived = (CaseEvent.objects.filter(case_id=OuterRef("pk"), kind="organization_changed")
               .order_by("-created_at", "-id").values("created_at")[:1])
    # ids first: the station's cases are few, and the walk probed the grants of every case in the city.
    qs = (visible_cases(user, "change_case", ids_first=True)
          .filter(organization__kind=Organization.Kind.CIRCUIT_STATION, status__in=QUEUE_STATUSES)
          .select_related("court_stage").annotate(arrived_at=Subquery(arrived)).order_by(*QUEUE_KEYS.order()))
    return {
        "received": qs.filter(status=CaseStatus.TRANSFERRED),
        "docketed": qs.filter(status=CaseStatus.IN_COURT),
        "confirmations": qs.filter(status=CaseStatus.CONFIRMATION_PENDING),
    }


def arrivals_without_letter(*, older_than_seconds=120, limit=500) -> list[tuple[int, int]]:
    """(case id, arrival event id) of cases waiting at a station as 已移送法院 with no 移送函 issued since they
    arrived, for longer than ``older_than_seconds``: the task enqueued on arrival was lost (broker down)."""
    import datetime

    from django.db.models import Exists
    from django.utils import timezone

    from cases.documents.models import Document, DocumentType
    from cases.models import Case

    arrival = (CaseEvent.objects.filter(case_id=OuterRef("pk"), kind="status_changed",
                                        after__status=CaseStatus.TRANSFERRED).order_by("-created_at", "-id"))
    letter = Document.objects.filter(case_id=OuterRef("pk"), doc_type=DocumentType.TRANSFER_LETTER,
                                     issued_at__gte=OuterRef("arrived_at"))
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    rows = (Case.objects.filter(status=CaseStatus.TRANSFERRED, organization__kind=Organization.Kind.CIRCUIT_STATION)
            .annotate(arrival_id=Subquery(arrival.values("pk")[:1]),
                      arrived_at=Subquery(arrival.values("created_at")[:1]))
            .filter(arrived_at__lte=cutoff).annotate(has_letter=Exists(letter)).filter(has_letter=False)
            .order_by("arrived_at", "pk").values_list("pk", "arrival_id")[:limit])
    return list(rows)
