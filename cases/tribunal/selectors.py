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
    qs = (visible_cases(user, "change_case")
          .filter(organization__kind=Organization.Kind.CIRCUIT_STATION, status__in=QUEUE_STATUSES)
          .select_related("court_stage").annotate(arrived_at=Subquery(arrived)).order_by(*QUEUE_KEYS.order()))
    return {
        "received": qs.filter(status=CaseStatus.TRANSFERRED),
        "docketed": qs.filter(status=CaseStatus.IN_COURT),
        "confirmations": qs.filter(status=CaseStatus.CONFIRMATION_PENDING),
    }

