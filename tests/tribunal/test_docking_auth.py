"""Who may call the docking API: unknown, expired and revoked tokens are one 401; a missing scope is a 403;
another station's case is a 404; identifiers need their scope; every call, failed ones too, is audited."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Organization
from cases.services import organization_create
from cases.tribunal.docking import docking_client_revoke, token_digest
from cases.tribunal.models import DockingCall, DockingClient
from tests.markers import postgres_only
from tests.tribunal.conftest import failed_to_court
from tests.tribunal.docking_helpers import BASE, court_system

pytestmark = pytest.mark.django_db


def _bearer(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_unknown_expired_and_revoked_tokens_get_the_same_401_and_are_audited(court, people):
    case = failed_to_court(court, people)
    client, token, api = court_system(court.station)
    assert api.get(f"{BASE}/transfers/{case.pk}/").status_code == 200
    assert DockingClient.objects.get(pk=client.pk).last_used_at is not None
    assert client.token_hash == token_digest(token) and token not in str(client.__dict__)

    unknown = _bearer("ipdr_" + "x" * 43).get(f"{BASE}/transfers/{case.pk}/")
    expired_client, expired_token, _api = court_system(court.station, name="过期",
                                                       expires_at=timezone.now() + datetime.timedelta(seconds=30))
    DockingClient.objects.filter(pk=expired_client.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    expired = _bearer(expired_token).get(f"{BASE}/transfers/{case.pk}/")
    docking_client_revoke(actor=None, client=client)
    revoked = api.get(f"{BASE}/transfers/{case.pk}/")
    answers = {(r.status_code, r.content, r["WWW-Authenticate"]) for r in (unknown, expired, revoked)}
    assert answers == {(401, '{"detail":"令牌无效、已过期或已吊销。"}'.encode(), 'Bearer realm="docking"')}
    assert APIClient().get(f"{BASE}/transfers/").status_code == 401  # no token at all
    assert _bearer("two words").get(f"{BASE}/transfers/").status_code == 401

    failed = DockingCall.objects.filter(status_code=401)
    assert failed.count() == 5 and not failed.exclude(client=None).exists()
    assert set(failed.values_list("operation_id", flat=True)) == {"docking_transfers_retrieve",
                                                                  "docking_transfers_list"}


def test_a_missing_scope_is_403_and_changes_nothing(court, people):
    case = failed_to_court(court, people)
    _client, _token, api = court_system(court.station, scopes=["transfers:read"])
    assert api.get(f"{BASE}/transfers/").status_code == 200
    answer = api.post(f"{BASE}/transfers/{case.pk}/acknowledge/")
    assert answer.status_code == 403 and answer.json()["detail"] == "该对接客户端没有此操作的权限范围。"
    assert not hasattr(case, "court_stage") or case.court_stage is None
    assert api.get(f"{BASE}/confirmations/").status_code == 403
    assert api.get(f"{BASE}/delegations/").status_code == 403
    assert api.get(f"{BASE}/cases/{case.pk}/status/").status_code == 200  # any read scope
    assert DockingCall.objects.filter(status_code=403, operation_id="docking_transfers_acknowledge").count() == 1


def test_another_stations_case_is_a_404(court, people):
    case = failed_to_court(court, people)
    other_station = organization_create(name="重庆知识产权法庭两江巡回审判站", kind=Organization.Kind.CIRCUIT_STATION,
                                        district=court.district, number_abbr="渝知巡两")
    _client, _token, api = court_system(other_station)
    assert api.get(f"{BASE}/transfers/").json()["results"] == []
    for url in (f"{BASE}/transfers/{case.pk}/", f"{BASE}/cases/{case.pk}/status/",
                f"{BASE}/transfers/999999999/", f"{BASE}/transfers/99999999999999999999/"):
        assert api.get(url).status_code == 404, url
    evidence = case.evidence.first() or None
    document = case.documents.first()
    assert api.get(f"{BASE}/cases/{case.pk}/documents/{document.pk}/download/").status_code == 404
    if evidence is not None:
        assert api.get(f"{BASE}/cases/{case.pk}/evidence/{evidence.pk}/download/").status_code == 404
    assert api.post(f"{BASE}/transfers/{case.pk}/acknowledge/").status_code == 404
    case.refresh_from_db()
    assert case.status == "transferred"
    assert DockingCall.objects.filter(status_code=404, case_id=case.pk).count() == 4


def test_identifiers_are_masked_without_their_scope(court, people):
    case = failed_to_court(court, people)
    _client, _token, api = court_system(court.station, scopes=["transfers:read"])
    applicant = case.parties.get(role="applicant")
    shown = next(p for p in api.get(f"{BASE}/transfers/{case.pk}/").json()["parties"] if p["role"] == "applicant")
    assert shown["id_number"] != applicant.id_number and shown["id_number"].startswith(applicant.id_number[:3])
    assert shown["phone"] != applicant.phone and shown["address"] is None


def test_management_commands_issue_the_token_once_and_revoke_it(court, people):
    out = io.StringIO()
    call_command("docking_client_create", station=str(court.station.pk), name="法院办案系统",
                 scopes=["transfers:read"], days=30, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = DockingClient.objects.get(token_hash=token_digest(token))
    assert client.acting_user.organization == court.station and client.scopes == ["transfers:read"]
    assert client.acting_user.has_role("tribunal_clerk") and not client.acting_user.has_usable_password()
    assert _bearer(token).get(f"{BASE}/transfers/").status_code == 200
    call_command("docking_client_revoke", str(client.pk), stdout=io.StringIO())
    assert _bearer(token).get(f"{BASE}/transfers/").status_code == 401
    with pytest.raises(ValidationError):
        from cases.tribunal.docking import docking_client_create

        docking_client_create(actor=None, station=court.committee, name="x", scopes=["nope"])


def test_audit_rows_are_append_only(court, people):
    _client, _token, api = court_system(court.station)
    api.get(f"{BASE}/transfers/")
    call = DockingCall.objects.get()
    assert call.method == "GET" and call.path == f"{BASE}/transfers/" and call.status_code == 200
    assert call.ip_address == "127.0.0.1" and len(call.fingerprint) == 64 and call.duration_ms >= 0
    with pytest.raises(ValidationError):
        call.save()
    with pytest.raises(ValidationError):
        call.delete()
    with pytest.raises(ValidationError):
        DockingCall.objects.all().update(status_code=500)
    with pytest.raises(ValidationError):
        DockingCall.objects.all().delete()


def test_admin_issues_a_client_and_shows_the_token_once(court, people, admin_client):
    answer = admin_client.post("/admin/tribunal/dockingclient/add/", {
        "station": court.station.pk, "name": "法院办案系统", "scopes": ["transfers:read", "transfers:write"],
    }, follow=True)
    assert answer.status_code == 200
    client = DockingClient.objects.get(name="法院办案系统")
    shown = [str(m) for m in answer.context["messages"]]
    token = next(m for m in shown if "ipdr_" in m).split("：", 1)[1]
    assert token_digest(token) == client.token_hash
    assert token not in admin_client.get(f"/admin/tribunal/dockingclient/{client.pk}/change/").content.decode()


@postgres_only
def test_the_database_refuses_to_change_an_audit_row(court, people):
    _client, _token, api = court_system(court.station)
    api.get(f"{BASE}/transfers/")
    pk = DockingCall.objects.get().pk
    for sql in ("UPDATE tribunal_dockingcall SET status_code = 200 WHERE id = %s",
                "DELETE FROM tribunal_dockingcall WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    assert DockingCall.objects.filter(pk=pk).exists()
