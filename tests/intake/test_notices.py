"""In-app notices: the list, unread marks, read on opening, the count on the home page."""
import pytest
from django.urls import reverse

from cases.models import Notification
from cases.notifications import notify
from tests.factories import complainant, make_case

pytestmark = pytest.mark.django_db


def test_notices_page_lists_marks_unread_and_reads_them(client, applicant_user, centre):
    case = make_case(organization=centre, applicant_user=applicant_user)
    notify(key="n1", case=case, user=applicant_user, subject="您的申请已受理", body="转入调解程序。",
           link=f"/cases/{case.pk}/", channels=["in_app"])
    notify(key="n2", user=applicant_user, subject="系统维护通知", body="今晚22点维护。", channels=["in_app"])
    other = complainant()
    notify(key="n3", user=other, subject="别人的消息", body="不应出现。", channels=["in_app"])
    client.force_login(applicant_user)

    home = client.get(reverse("home")).content.decode()
    assert "您有 2 条未读消息" in home
    assert reverse("intake:notices") in home

    response = client.get(reverse("intake:notices"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("系统维护通知") < html.index("您的申请已受理")  # newest first
    assert html.count(">未读</span>") == 2
    assert reverse("cases:detail", args=[case.pk]) in html
    assert case.number in html
    assert "别人的消息" not in html
    assert not Notification.objects.filter(user=applicant_user, read_at__isnull=True).exists()
    assert Notification.objects.get(user=other).read_at is None

    html = client.get(reverse("intake:notices")).content.decode()
    assert ">未读</span>" not in html
    assert "没有未读消息" in html
    assert "未读消息" not in client.get(reverse("home")).content.decode()


def test_empty_notices_and_login_required(client, applicant_user):
    assert client.get(reverse("intake:notices"))["Location"].startswith(reverse("login"))
    client.force_login(applicant_user)
    assert "还没有消息" in client.get(reverse("intake:notices")).content.decode()
