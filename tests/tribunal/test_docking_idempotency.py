"""Idempotent docking writes: a retry replays the first answer byte for byte and changes nothing; the
same key with another body is a 422; two identical requests at once make one change (PostgreSQL)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseEvent
from cases.tribunal.models import DockingCall
from mediation.models import CourtDelegation
from tests.concurrency import errors, race, values
from tests.markers import postgres_only
from tests.tribunal.conftest import failed_to_court, pdf_file
from tests.tribunal.docking_helpers import BASE, court_system
from tests.tribunal.test_docking_flow import _delegation_payload


@pytest.mark.django_db
def test_replay_is_byte_identical_and_changes_nothing(court, people):
    case = failed_to_court(court, people)
    client, _token, api = court_system(court.station)
    key = {"HTTP_IDEMPOTENCY_KEY": "8c0f6f0e-ack-1"}
    first = api.post(f"{BASE}/transfers/{case.pk}/acknowledge/", **key)
    events = CaseEvent.objects.filter(case=case).count()
    again = api.post(f"{BASE}/transfers/{case.pk}/acknowledge/", **key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert CaseEvent.objects.filter(case=case).count() == events
    # Without the key the same request is a second attempt: the case is signed for already.
    assert api.post(f"{BASE}/transfers/{case.pk}/acknowledge/").status_code == 409
    calls = DockingCall.objects.filter(client=client, idempotency_key="8c0f6f0e-ack-1")
    assert calls.count() == 2 and len(set(calls.values_list("fingerprint", flat=True))) == 1


@pytest.mark.django_db
def test_a_key_belongs_to_its_client(court, people):
    """Another client sending the same key and request is not given the first client's answer: its
    request runs (and finds the case signed for already)."""
    case = failed_to_court(court, people)
    _first, _token, api = court_system(court.station)
    _second, _token2, other = court_system(court.station, name="备用办案系统")
    key = {"HTTP_IDEMPOTENCY_KEY": "shared-ack"}
    assert api.post(f"{BASE}/transfers/{case.pk}/acknowledge/", **key).status_code == 200
    theirs = other.post(f"{BASE}/transfers/{case.pk}/acknowledge/", **key)
    assert theirs.status_code == 409 and "Idempotent-Replayed" not in theirs
    assert api.post(f"{BASE}/transfers/{case.pk}/acknowledge/", **key)["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_same_key_other_body_is_422(court, people):
    case = failed_to_court(court, people)
    _client, _token, api = court_system(court.station)
    api.post(f"{BASE}/transfers/{case.pk}/acknowledge/")
    key = {"HTTP_IDEMPOTENCY_KEY": "docket-1"}
    assert api.post(f"{BASE}/transfers/{case.pk}/docket/", {"court_reference": "（2026）渝01知民初1号"},
                    format="json", **key).status_code == 200
    other = api.post(f"{BASE}/transfers/{case.pk}/docket/", {"court_reference": "（2026）渝01知民初2号"},
                     format="json", **key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    case.refresh_from_db()
    assert case.court_reference == "（2026）渝01知民初1号"
    assert api.post(f"{BASE}/transfers/{case.pk}/docket/", {"court_reference": "x"}, format="json",
                    HTTP_IDEMPOTENCY_KEY="bad key with spaces").status_code == 400


@pytest.mark.django_db
def test_an_error_is_not_kept_so_a_corrected_retry_works(court, people):
    case = failed_to_court(court, people)
    _client, _token, api = court_system(court.station)
    api.post(f"{BASE}/transfers/{case.pk}/acknowledge/")
    api.post(f"{BASE}/transfers/{case.pk}/docket/", {"court_reference": "（2026）渝01知民初3号"}, format="json")
    key = {"HTTP_IDEMPOTENCY_KEY": "outcome-1"}
    today = timezone.localdate().isoformat()
    bad = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                   {"outcome": "judgment", "decided_on": today, "summary": ""}, format="multipart", **key)
    assert bad.status_code == 400
    good = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                    {"outcome": "judgment", "decided_on": today, "summary": "判决", "document": pdf_file()},
                    format="multipart", **key)
    assert good.status_code == 200 and good.json()["status"] == "court_closed"
    replay = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                      {"outcome": "judgment", "decided_on": today, "summary": "判决", "document": pdf_file()},
                      format="multipart", **key)
    assert replay.content == good.content and replay["Idempotent-Replayed"] == "true"
    other_file = api.post(f"{BASE}/transfers/{case.pk}/outcome/",
                          {"outcome": "judgment", "decided_on": today, "summary": "判决",
                           "document": pdf_file(content=b"%PDF-1.4\n%%EOF\n")}, format="multipart", **key)
    assert other_file.status_code == 422
    assert case.evidence.filter(description="人民法院裁判文书").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_identical_delegations_at_once_create_one_case(court, people):
    _client, token, _api = court_system(court.station)
    payload = _delegation_payload(people, "（2026）渝0120民诉前调77号")

    def send():
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return api.post(f"{BASE}/delegations/", payload, format="json", HTTP_IDEMPOTENCY_KEY="same")

    outcomes = race(send, send)
    assert errors(outcomes) == []
    answers = values(outcomes)
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert CourtDelegation.objects.filter(court_reference="（2026）渝0120民诉前调77号").count() == 1
