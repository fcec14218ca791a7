import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def user(roles):
    return UserFactory(username="liming", email="LiMing@Example.cn", phone="13812345678")


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["liming", "liming@example.cn", "13812345678", "+86 138 1234 5678"])
def test_sign_in_with_username_email_or_phone(client, user, login):
    response = client.post(reverse("login"), {"username": login, "password": "Correct-Horse-42"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_answer(client, user):
    wrong = client.post(reverse("login"), {"username": "liming", "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert "账号或密码不正确" in wrong.content.decode()
    assert wrong.context["form"].errors == unknown.context["form"].errors


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(client, user):
    for _ in range(5):
        client.post(reverse("login"), {"username": "liming", "password": "nope"})
    locked = client.post(reverse("login"), {"username": "liming", "password": "Correct-Horse-42"})
    assert locked.status_code == 429
    assert "锁定30分钟" in locked.content.decode()


@pytest.mark.django_db
def test_session_key_rotates_on_login(client, user):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen"
    client.post(reverse("login"), {"username": "liming", "password": "Correct-Horse-42"})
    assert client.cookies["sessionid"].value != "attacker-chosen"


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
