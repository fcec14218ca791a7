"""Read side of 精审: the station's queue, and what a court system's docking client may read (诉调对接)."""
from django.db.models import Exists, OuterRef, Q, Subquery

from cases.models import CaseEvent, CaseStatus, Organization
from cases.pagination import Keyset
from cases.permissions import held_cases, visible_cases
from cases.tribunal.models import ConfirmationRuling

QUEUE_STATUSES = (CaseStatus.TRANSFERRED, CaseStatus.IN_COURT, CaseStatus.CONFIRMATION_PENDING)


# Oldest arrival first (arrival unknown last), then id.
QUEUE_KEYS = Keyset("arrived_at", "id")


def station_queue(user) -> dict:
    """The station's open cases by kind of work (querysets), oldest arrival first; page with ``QUEUE_KEYS``."""
    arrived = (CaseEvent.objects.filter(case_id=OuterRef("pk"), kind="organization_changed")
               .order_by("-created_at", "-id").values("created_at")[:1])
    qs = (held_cases(user, "change_case")
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


# -- the docking API (诉调对接): in fixed query counts ----------------------------------------

TRANSFER_STATUSES = (CaseStatus.TRANSFERRED, CaseStatus.IN_COURT, CaseStatus.COURT_CLOSED)


def station_cases(client):
    """Every case the client's station may see (through its service account's role and case permissions)."""
    return visible_cases(client.acting_user).select_related("organization")


def docking_transfers(client, *, status="", since=None):
    qs = (station_cases(client)
          .filter(organization_id=client.station_id, status__in=TRANSFER_STATUSES)
          .select_related("court_stage__outcome_file__party"))
    if status:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    return qs


def docking_confirmations(client, *, state="", since=None):
    """Applications for 司法确认 filed with the station: pending ones, and those it accepted or ruled."""
    rulings = ConfirmationRuling.objects.filter(case_id=OuterRef("pk"), station_id=client.station_id)
    qs = station_cases(client).annotate(
        open_ruling=Exists(rulings.filter(ruled_at__isnull=True)),
        any_ruling=Exists(rulings),
    ).filter(Q(status=CaseStatus.CONFIRMATION_PENDING, organization_id=client.station_id) | Q(any_ruling=True))
    if state == "pending":
        qs = qs.filter(status=CaseStatus.CONFIRMATION_PENDING, open_ruling=False)
    elif state == "accepted":
        qs = qs.filter(open_ruling=True)
    elif state == "ruled":
        qs = qs.filter(any_ruling=True, open_ruling=False).exclude(status=CaseStatus.CONFIRMATION_PENDING)
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    return qs


def with_confirmation(cases, station_id) -> list:
    """Attach ``docking_agreement`` (the filed agreement) and ``docking_ruling`` (the station's latest)."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    agreement_model = ConfirmationRuling._meta.get_field("agreement").related_model
    agreements = {}
    for agreement in (agreement_model.objects.filter(case_id__in=ids, judicial_filed_at__isnull=False)
                      .select_related("document", "judicial_document").order_by("judicial_filed_at", "id")):
        agreements[agreement.case_id] = agreement
    rulings = {}
    for ruling in (ConfirmationRuling.objects.filter(case_id__in=ids, station_id=station_id)
                   .select_related("ruling_file__party").order_by("accepted_at", "id")):
        rulings[ruling.case_id] = ruling
    for case in cases:
        case.docking_agreement = agreements.get(case.pk)
        case.docking_ruling = rulings.get(case.pk)
    return cases


def case_file(case, *, events_only=False) -> dict:
    """The lists of a case file the court receives, in a fixed number of queries."""
    events = list(CaseEvent.objects.filter(case_id=case.pk, public=True).order_by("created_at", "id"))
    if events_only:
        return {"events": events}
    return {
        "parties": list(case.parties.order_by("id")),
        "ip_rights": list(case.ip_rights.order_by("id")),
        "documents": list(case.documents.filter(superseded_by__isnull=True).order_by("issued_at", "id")),
        "evidence": list(case.evidence.select_related("party").order_by("uploaded_at", "id")),
        "events": events,
    }
