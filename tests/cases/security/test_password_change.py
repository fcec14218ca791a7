"""A signed-in user changes the password: this device stays signed in, every other session ends, and the
change is in the security log. A wrong current password changes nothing."""
import pytest
from django.test import Client
from django.urls import reverse

from cases.audit.models import AuditAction, AuditLog
from tests.factories import complainant

PASSWORD = "Correct-Horse-42"
NEW = "Another-Battery-77"
pytestmark = pytest.mark.django_db


@pytest.fixture
def user(roles):
    return complainant(username="liming", phone="13812345678")


def _signed_in(user):
    client = Client()
    assert client.post(reverse("login"), {"username": "liming", "password": PASSWORD}).status_code == 302
    return client


def test_change_keeps_this_session_and_ends_the_others(user):
    here, elsewhere = _signed_in(user), _signed_in(user)
    page = here.get(reverse("password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    done = here.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW,
                                                  "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == reverse("password_change_done")
    assert "密码已修改" in here.get(done["Location"]).content.decode()
    assert here.get(reverse("cases:list")).status_code == 200  # still signed in here
    assert elsewhere.get(reverse("cases:list")).status_code == 302  # the other device must sign in again
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGED, username="liming").count() == 1


def test_wrong_current_password_or_mismatch_changes_nothing(user):
    client = _signed_in(user)
    wrong = client.post(reverse("password_change"), {"old_password": "not-it-at-all", "new_password1": NEW,
                                                     "new_password2": NEW})
    mismatch = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW,
                                                        "new_password2": NEW + "x"})
    weak = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "12345678",
                                                    "new_password2": "12345678"})
    for response in (wrong, mismatch, weak):
        assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
