"""The staff second factor: enrolment, verification, the API token, parties untouched."""
import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.audit.models import AuditLog
from cases.models import Role
from tests.factories import OrganizationFactory, complainant, staff

PASSWORD = "Correct-Horse-42"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _otp_on(settings):
    settings.IPDR_STAFF_OTP_REQUIRED = True


@pytest.fixture
def clerk(roles):
    return staff(Role.INTAKE_CLERK, OrganizationFactory(), username="clerk")


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - offset * device.step, digits=device.digits):06d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def _login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.mark.django_db
def test_first_staff_login_leads_to_enrolment_then_pages_open(client, clerk):
    _login(client, "clerk")
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))
    page = client.get(response["Location"])
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    html = page.content.decode()
    assert "绑定验证器" in html and reverse("otp_qr") in html
    secret = page.context["secret"].replace(" ", "")
    assert base64.b32decode(secret) == device.bin_key  # the manual key is the device's key
    qr = client.get(reverse("otp_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    wrong = client.post(reverse("otp_setup"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("cases:list")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code made the next try wait a second

    before = client.cookies["sessionid"].value
    done = client.post(f"{reverse('otp_setup')}?next=/cases/", {"token": code(device), "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    assert client.cookies["sessionid"].value != before  # new privilege, new session key
    assert client.get(reverse("cases:list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = list(AuditLog.objects.filter(user=clerk).order_by("id").values_list("action", flat=True))
    assert actions == ["login_success", "otp_failed", "otp_enrolled", "otp_success"]


@pytest.mark.django_db
def test_enrolled_staff_must_give_a_code_and_cannot_enrol_a_second_device(client, clerk):
    device = enrolled(clerk)
    _login(client, "clerk")
    response = client.get(reverse("cases:detail", args=[1]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    # A stolen password must not be enough to add the thief's own authenticator.
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))
    assert not TOTPDevice.objects.filter(user=clerk, confirmed=False).exists()
    assert client.post(reverse("otp_verify"), {"token": "12ab"}).status_code == 400
    assert client.post(reverse("otp_verify"), {"token": code(device)}).status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200


@pytest.mark.django_db
def test_wrong_codes_are_throttled(client, clerk):
    device = enrolled(clerk)
    _login(client, "clerk")
    bad = "000000" if code(device) != "000000" else "111111"
    client.post(reverse("otp_verify"), {"token": bad})
    throttled = client.post(reverse("otp_verify"), {"token": code(device)})  # right code, but too soon
    assert throttled.status_code == 400 and "次数过多" in throttled.content.decode()
    assert AuditLog.objects.filter(action="otp_failed", user=clerk).count() == 2


@pytest.mark.django_db
def test_parties_are_not_asked_for_a_second_factor(client, roles):
    complainant(username="party")
    _login(client, "party")
    assert client.get(reverse("cases:list")).status_code == 200


@pytest.mark.django_db
def test_staff_api_call_with_a_session_but_no_code_is_refused(clerk):
    enrolled(clerk)
    api = APIClient()
    api.force_login(clerk)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 403 and response.json()["code"] == "otp_required"


@pytest.mark.django_db
def test_staff_token_needs_a_code(clerk):
    api = APIClient()
    body = {"username": "clerk", "password": PASSWORD}
    not_enrolled = api.post(TOKEN_URL, body, format="json")
    assert not_enrolled.status_code == 403 and not_enrolled.json()["code"] == "otp_not_enrolled"
    device = enrolled(clerk)
    assert api.post(TOKEN_URL, body, format="json").json()["code"] == "otp_required"
    bad = "000000" if code(device) != "000000" else "111111"
    assert api.post(TOKEN_URL, {**body, "otp": bad}, format="json").json()["code"] == "otp_invalid"
    assert api.post(TOKEN_URL, {**body, "otp": "12"}, format="json").status_code == 400
    assert not Token.objects.filter(user=clerk).exists()
    device.refresh_from_db()
    device.throttle_reset()
    ok = api.post(TOKEN_URL, {**body, "otp": code(device)}, format="json")
    assert ok.status_code == 200, ok.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {ok.json()['token']}")
    assert api.get("/api/v1/cases/").status_code == 200
    assert AuditLog.objects.filter(action="token_created", user=clerk, detail__otp=True).count() == 1


@pytest.mark.django_db
def test_a_staff_token_made_without_the_second_factor_does_not_work(clerk, roles):
    enrolled(clerk)
    token = Token.objects.create(user=clerk)  # by hand, or from before the second factor was required
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/cases/").status_code == 401
    party_token = Token.objects.create(user=complainant())
    api.credentials(HTTP_AUTHORIZATION=f"Token {party_token.key}")
    assert api.get("/api/v1/cases/").status_code == 200
