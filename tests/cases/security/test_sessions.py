"""Login, lockout, sessions (idle, absolute, logout, disabled account), password policy."""
import datetime
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.audit.models import AuditLog
from cases.audit.receivers import LOGIN_AT_SESSION_KEY
from cases.audit.services import user_deactivate
from cases.models import Role
from tests.factories import OrganizationFactory, UserFactory, complainant, staff

PASSWORD = "Correct-Horse-42"
TOKEN_URL = "/api/v1/auth/token/"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def user(roles):
    return complainant(username="liming", phone="13812345678")


def _login(client, username="liming", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_page(client, user):
    wrong = _login(client, password="wrong-password-1")
    unknown = _login(client, username="nobody-at-all", password="wrong-password-1")
    assert wrong.status_code == unknown.status_code == 200
    # Identical apart from the per-request CSRF token and the echoed login name.
    strip = lambda r, name: CSRF_FIELD.sub(b"", r.content).replace(name.encode(), b"NAME")  # noqa: E731
    assert strip(wrong, "liming") == strip(unknown, "nobody-at-all")
    assert "账号或密码不正确" in wrong.content.decode()


@pytest.mark.django_db
def test_lockout_lasts_thirty_minutes_from_the_last_try_then_the_right_password_works(client, user, move_clock):
    for _ in range(5):
        _login(client, password="wrong-password-1")
    assert _login(client).status_code == 429
    move_clock(29)
    assert _login(client).status_code == 429  # a try while locked counts as a failure: 30 minutes from it
    move_clock(29 + 31)
    response = _login(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
def test_api_lockout_also_ends_after_thirty_minutes(user, move_clock):
    api = APIClient()
    for _ in range(5):
        api.post(TOKEN_URL, {"username": "liming", "password": "wrong-password-1"}, format="json")
    assert api.post(TOKEN_URL, {"username": "liming", "password": PASSWORD}, format="json").status_code == 429
    move_clock(31)
    assert api.post(TOKEN_URL, {"username": "liming", "password": PASSWORD}, format="json").status_code == 200


@pytest.mark.django_db
def test_idle_session_ends_after_thirty_minutes(client, user, move_clock):
    assert _login(client).status_code == 302
    move_clock(29)
    assert client.get(reverse("cases:list")).status_code == 200  # activity renews the 30 minutes
    move_clock(29 + 29)
    assert client.get(reverse("cases:list")).status_code == 200
    move_clock(29 + 29 + 31)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_idle_timeout_is_renewed_at_most_once_a_minute(client, user, move_clock):
    """A burst of pages does not rewrite the session each time; a page a minute later does, and the session
    then lasts 30 minutes from that page."""
    assert _login(client).status_code == 302
    key = client.cookies["sessionid"].value
    written = Session.objects.get(session_key=key).expire_date
    move_clock(0.5)
    assert client.get(reverse("cases:list")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == written
    move_clock(2)
    assert client.get(reverse("cases:list")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed - written >= datetime.timedelta(minutes=2) - datetime.timedelta(seconds=5)
    move_clock(2 + 29)
    assert client.get(reverse("cases:list")).status_code == 200
    move_clock(2 + 29 + 31)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_active_session_still_ends_twelve_hours_after_login(client, user, settings):
    assert settings.IPDR_SESSION_ABSOLUTE_SECONDS == 12 * 3600
    _login(client)
    session = client.session
    session[LOGIN_AT_SESSION_KEY] -= 12 * 3600 - 60
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session[LOGIN_AT_SESSION_KEY] -= 120
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("cases:list")).status_code == 302  # logged out, not just redirected once
    assert AuditLog.objects.filter(action="session_expired", user=user).count() == 1


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(client, user):
    _login(client)
    stolen = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = APIClient()  # someone who copied the cookie before the logout
    replay.cookies["sessionid"] = stolen
    assert replay.get(reverse("cases:list")).status_code == 302


@pytest.mark.django_db
def test_disabling_an_account_ends_its_browser_session_and_tokens_at_once(client, user, roles):
    admin = staff(Role.SYSADMIN, OrganizationFactory())
    _login(client)
    assert client.get(reverse("cases:list")).status_code == 200
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/cases/").status_code == 200

    user_deactivate(actor=admin, user=user, reason="离职")

    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Token.objects.filter(user=user).exists()
    assert api.get("/api/v1/cases/").status_code == 401
    entry = AuditLog.objects.get(action="user_disabled")
    assert entry.user == admin and entry.object_id == str(user.pk)
    assert entry.detail["sessions_ended"] == 1 and entry.detail["tokens_revoked"] == 1


@pytest.mark.django_db
def test_admin_action_and_form_disable_through_the_service(client, roles):
    admin = UserFactory(is_staff=True, is_superuser=True)
    target, other = complainant(), complainant()
    other_client = APIClient()
    other_client.force_login(other)
    client.force_login(admin)
    response = client.post(reverse("admin:cases_user_changelist"),
                           {"action": "deactivate_users", "_selected_action": [target.pk]})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    # Unticking 有效 on the change form also ends the sessions.
    page = client.get(reverse("admin:cases_user_change", args=[other.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions",
                                                                                  "industries", "is_active")}
    data.update({"date_joined_0": other.date_joined.strftime("%Y-%m-%d"),
                 "date_joined_1": other.date_joined.strftime("%H:%M:%S"), "organization": ""})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(reverse("admin:cases_user_change", args=[other.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    other.refresh_from_db()
    assert not other.is_active
    assert other_client.get(reverse("cases:list")).status_code == 302
    assert AuditLog.objects.filter(action="user_disabled").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["Short-1", "password123456", "12345678901234", "liming2024"])
def test_weak_passwords_are_refused(password, roles):
    with pytest.raises(ValidationError):
        validate_password(password, user=UserFactory.build(username="liming"))


@pytest.mark.django_db
def test_a_long_passphrase_without_composition_rules_is_accepted(roles):
    validate_password("青山绿水 chongqing bishan", user=UserFactory.build(username="liming"))
