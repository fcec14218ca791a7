"""Read side of the docking API (诉调对接): what a court system's client may read, in fixed query counts."""
from django.db.models import Exists, OuterRef, Q

from cases.models import CaseEvent, CaseStatus
from cases.permissions import visible_cases
from cases.tribunal.models import ConfirmationRuling

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
