"""Registration: a complainant account from a name and a phone or e-mail."""
import pytest
from django.urls import reverse

from cases.models import Role, User
from tests.factories import complainant

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Bishan-Patent-2026"


def _post(client, **overrides):
    data = {"full_name": "张伟", "phone": "13912345678", "email": "", "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD, "agree": "on", **overrides}
    return client.post(reverse("intake:register"), data)


def test_register_page_shows_the_password_policy_and_privacy_link(client, roles):
    response = client.get(reverse("intake:register"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "你的密码必须包含至少 10 个字符。" in html
    assert 'aria-describedby="id_password1_helptext"' in html
    assert reverse("intake:privacy") in html
    assert "<script" not in html and 'style="' not in html and " onclick" not in html


def test_login_page_links_to_register_keeping_next(client):
    html = client.get(reverse("login") + "?next=/complaint/").content.decode()
    assert reverse("intake:register") + "?next=/complaint/" in html


def test_valid_registration_creates_a_complainant_and_logs_in(client, roles):
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(phone="13912345678")
    assert user.full_name == "张伟"
    assert user.username.startswith("u") and len(user.username) == 11
    assert user.roles == frozenset({Role.COMPLAINANT})
    assert user.check_password(GOOD_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["_auth_user_backend"] == "cases.auth.PhoneOrEmailBackend"


def test_registration_with_email_only_and_safe_next(client, roles):
    response = _post(client, phone="", email="Zhang.Wei@Example.CN", next="/complaint/")
    assert response.status_code == 302
    assert response["Location"] == "/complaint/"
    assert User.objects.filter(email__iexact="zhang.wei@example.cn").exists()


def test_unsafe_next_is_ignored(client, roles):
    response = _post(client, next="https://evil.example.com/")
    assert response["Location"] == reverse("home")


def test_full_width_phone_is_normalised(client, roles):
    response = _post(client, phone="＋８６ １３９ １２３４ ５６７８")
    assert response.status_code == 302
    assert User.objects.filter(phone="13912345678").exists()


def test_phone_or_email_is_required(client, roles):
    response = _post(client, phone="", email="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "请至少填写手机号码或电子邮箱中的一项。" in html
    assert 'id="id_phone_error"' in html
    assert not User.objects.exists()


def test_duplicate_phone_and_email_are_refused(client, roles):
    complainant(phone="13912345678", email="taken@example.cn")
    response = _post(client)
    assert response.status_code == 400
    assert "该手机号码已经注册，请直接登录。" in response.content.decode()
    response = _post(client, phone="", email="TAKEN@example.CN")
    assert response.status_code == 400
    assert "该电子邮箱已经注册，请直接登录。" in response.content.decode()
    assert User.objects.count() == 1


def test_landline_and_invalid_phone_are_refused_with_a_message(client, roles):
    html = _post(client, phone="023-41234567").content.decode()
    assert "请填写11位手机号码" in html
    html = _post(client, phone="1391234567").content.decode()
    assert "手机号码应为11位，您输入了10位。" in html


def test_weak_and_mismatched_passwords_are_refused_and_never_echoed(client, roles):
    response = _post(client, password1="20262026", password2="20262026")
    assert response.status_code == 400
    html = response.content.decode()
    assert "密码太短：至少需要10个字符。" in html
    assert "密码不能全是数字，请加入字母或符号。" in html
    assert "This password" not in html
    assert "20262026" not in html
    response = _post(client, password2="Another-Password-99")
    html = response.content.decode()
    assert "两次输入的密码不一致。" in html
    assert GOOD_PASSWORD not in html and "Another-Password-99" not in html
    assert not User.objects.exists()


def test_agreement_is_required(client, roles):
    response = _post(client, agree="")
    assert response.status_code == 400
    assert "请阅读并同意个人信息保护告知书后再注册。" in response.content.decode()


def test_signed_in_user_is_sent_home(client, roles):
    client.force_login(complainant())
    assert client.get(reverse("intake:register"))["Location"] == reverse("home")


def test_registered_user_can_log_in_with_the_phone(client, roles):
    _post(client)
    client.logout()
    response = client.post(reverse("login"), {"username": "13912345678", "password": GOOD_PASSWORD})
    assert response.status_code == 302
