"""POST /api/v1/auth/token/ and DELETE: tokens for apps, with django-axes lockout."""
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

URL = "/api/v1/auth/token/"
PASSWORD = "Correct-Horse-42"  # tests.factories.UserFactory


@pytest.mark.django_db
def test_url_is_versioned():
    assert reverse("v1:auth-token") == URL


@pytest.mark.django_db
def test_good_credentials_give_a_token_that_authenticates(api, alice):
    response = api.post(URL, {"username": alice.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] == Token.objects.get(user=alice).key
    assert body["user"] == {"id": alice.pk, "username": alice.username, "full_name": "李明",
                            "roles": ["complainant"]}
    # A second login answers the same token.
    again = api.post(URL, {"username": alice.username, "password": PASSWORD}, format="json")
    assert again.json()["token"] == body["token"]
    assert api.get("/api/v1/cases/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_phone_number_works_as_the_login_name(api, alice):
    response = api.post(URL, {"username": "139 0000 1111", "password": PASSWORD}, format="json")
    assert response.status_code == 200


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_identical_answer(api, alice):
    wrong = api.post(URL, {"username": alice.username, "password": "wrong-password-1"}, format="json")
    unknown = api.post(URL, {"username": "nobody-here", "password": "wrong-password-1"}, format="json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.content == unknown.content
    assert "账号或密码不正确" in wrong.json()["detail"]
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_inactive_user_gets_the_same_answer_as_a_wrong_password(api, alice):
    alice.is_active = False
    alice.save()
    inactive = api.post(URL, {"username": alice.username, "password": PASSWORD}, format="json")
    unknown = api.post(URL, {"username": "nobody-here", "password": PASSWORD}, format="json")
    assert inactive.status_code == 400
    assert inactive.content == unknown.content


@pytest.mark.django_db
def test_axes_locks_out_after_five_failures_even_with_the_right_password(api, alice):
    answers = [api.post(URL, {"username": alice.username, "password": "nope-nope-1"}, format="json").status_code
               for _ in range(5)]
    assert answers == [400, 400, 400, 400, 429]  # the fifth failure locks
    locked = api.post(URL, {"username": alice.username, "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    assert not Token.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_delete_revokes_the_callers_token(api, alice, clerk):
    token = api.post(URL, {"username": alice.username, "password": PASSWORD}, format="json").json()["token"]
    other = Token.objects.create(user=clerk)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete(URL).status_code == 204
    assert not Token.objects.filter(user=alice).exists()
    assert Token.objects.filter(pk=other.pk).exists()
    assert api.get("/api/v1/cases/").status_code == 401


@pytest.mark.django_db
def test_delete_needs_authentication(api):
    response = api.delete(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    {}, {"username": "x"}, {"password": "x"}, {"username": None, "password": None},
    {"username": ["a"], "password": {"b": 1}}, {"username": "x" * 5000, "password": "y"},
    {"username": "a\x00b", "password": "y"}, [], "text",
])
def test_malformed_requests_are_400(api, alice, body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content


@pytest.mark.django_db
def test_form_encoded_login_works_too(api, alice):
    body = urlencode({"username": alice.username, "password": PASSWORD})
    response = api.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
