"""API tokens end: IPDR_API_TOKEN_TTL_HOURS after they were issued, and optionally when left unused."""
import datetime

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.audit.models import AuditLog
from tests.factories import complainant

PASSWORD = "Correct-Horse-42"
TOKEN_URL = "/api/v1/auth/token/"
CASES_URL = "/api/v1/cases/"


@pytest.fixture
def party(roles):
    return complainant(username="party")


def _obtain(api):
    response = api.post(TOKEN_URL, {"username": "party", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _with(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


@pytest.mark.django_db
def test_a_token_ends_after_its_lifetime_and_a_new_one_can_be_obtained(party, settings, move_clock):
    settings.IPDR_API_TOKEN_TTL_HOURS = 12
    body = _obtain(APIClient())
    issued = Token.objects.get(user=party)
    assert parse_datetime(body["expires_at"]) == issued.created + datetime.timedelta(hours=12)
    again = _obtain(APIClient())  # before the end: the same token, the same end
    assert again["token"] == body["token"] and again["expires_at"] == body["expires_at"]

    move_clock(11 * 60 + 59)
    assert _with(body["token"]).get(CASES_URL).status_code == 200
    move_clock(12 * 60 + 1)
    expired = _with(body["token"]).get(CASES_URL)
    assert expired.status_code == 401
    assert expired.json() == {"detail": "访问令牌已过期，请重新获取令牌。", "code": "token_expired"}
    assert expired["WWW-Authenticate"] == "Token"
    assert not Token.objects.filter(user=party).exists()  # deleted, not just refused
    entry = AuditLog.objects.get(action="token_expired")
    assert entry.user == party and entry.detail == {"reason": "ttl", "deleted": True}
    assert entry.path == CASES_URL
    # Deleted: the same key now is simply unknown, and a new sign-in gives a new key with a new end.
    assert _with(body["token"]).get(CASES_URL).status_code == 401
    fresh = _obtain(APIClient())
    assert fresh["token"] != body["token"]
    assert parse_datetime(fresh["expires_at"]) > parse_datetime(body["expires_at"])
    assert _with(fresh["token"]).get(CASES_URL).status_code == 200


@pytest.mark.django_db
def test_obtaining_with_an_expired_token_on_file_issues_a_new_one(party, settings, move_clock):
    settings.IPDR_API_TOKEN_TTL_HOURS = 1
    first = _obtain(APIClient())["token"]
    move_clock(61)
    second = _obtain(APIClient())["token"]  # never hands out the dead key
    assert second != first and Token.objects.filter(user=party).count() == 1
    assert _with(second).get(CASES_URL).status_code == 200


@pytest.mark.django_db
def test_idle_expiry_when_turned_on(party, settings, move_clock):
    settings.IPDR_API_TOKEN_TTL_HOURS = 12
    settings.IPDR_API_TOKEN_IDLE_MINUTES = 30
    token = _obtain(APIClient())["token"]
    move_clock(20)
    assert _with(token).get(CASES_URL).status_code == 200
    move_clock(45)  # 25 minutes after the last use: still valid
    assert _with(token).get(CASES_URL).status_code == 200
    move_clock(76)  # 31 minutes unused
    idle = _with(token).get(CASES_URL)
    assert idle.status_code == 401 and idle.json()["code"] == "token_expired"
    assert "长时间未使用" in idle.json()["detail"]
    assert AuditLog.objects.get(action="token_expired").detail["reason"] == "idle"


@pytest.mark.django_db
def test_without_idle_expiry_a_token_in_use_is_not_written(party, settings, move_clock):
    from cases.audit.models import TokenUse

    settings.IPDR_API_TOKEN_IDLE_MINUTES = 0
    token = _obtain(APIClient())["token"]
    move_clock(600)  # ten hours unused, within the 12-hour lifetime
    assert _with(token).get(CASES_URL).status_code == 200
    assert not TokenUse.objects.exists()


@pytest.mark.django_db
def test_the_hourly_sweep_deletes_tokens_nobody_uses_any_more(party, settings, move_clock):
    from cases.audit.tasks import delete_expired_tokens

    settings.IPDR_API_TOKEN_TTL_HOURS = 12
    settings.IPDR_API_TOKEN_IDLE_MINUTES = 0
    old = Token.objects.create(user=party)
    move_clock(11 * 60)
    recent = Token.objects.create(user=complainant(username="other"))
    assert delete_expired_tokens.delay().get() == 0  # the older one has an hour left
    move_clock(12 * 60 + 5)
    assert delete_expired_tokens.delay().get() == 1
    assert list(Token.objects.values_list("key", flat=True)) == [recent.key]
    entry = AuditLog.objects.get(action="token_expired")
    assert entry.user == party and entry.detail["reason"] == "ttl" and old.key not in str(entry.detail)
    assert delete_expired_tokens.delay().get() == 0  # nothing left to do: the sweep is idempotent

    settings.IPDR_API_TOKEN_TTL_HOURS = 0  # no lifetime limit, only the idle one
    settings.IPDR_API_TOKEN_IDLE_MINUTES = 60  # the recent token: issued 65 minutes ago, never used
    assert delete_expired_tokens.delay().get() == 1 and not Token.objects.exists()
    assert AuditLog.objects.filter(action="token_expired").latest("id").detail["reason"] == "idle"
