"""The typical-case lists and the notices page are paged by keyset: page 2 is reachable from page 1's link."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Notification
from cases.statistics.models import TypicalCase
from tests.factories import UserFactory, complainant, make_case

pytestmark = pytest.mark.django_db


def _next_href(page: str) -> str:
    match = re.search(r'href="([^"]+)" rel="next"', page)
    assert match, "no next-page link"
    return match.group(1).replace("&amp;", "&")


def _typical(case, n, state):
    return TypicalCase.objects.create(
        case=case, state=state, title=f"典型案例第{n:02d}号", facts="基本案情。", claims="请求赔偿。",
        outcome="调解成功。",
        district=case.district, organization=case.organization, proposed_by=UserFactory(),
        proposed_at=timezone.now() - timedelta(hours=n),
        published_at=timezone.now() - timedelta(hours=n) if state == "published" else None,
    )


def test_the_public_list_reaches_page_two(client, roles):
    for n in range(11):  # a page holds 10
        _typical(make_case(), n, "published")
    first = client.get("/typical-cases/")
    page = first.content.decode()
    assert "典型案例第00号" in page and "典型案例第10号" not in page
    second = client.get("/typical-cases/" + _next_href(page)).content.decode()
    assert "典型案例第10号" in second and "典型案例第00号" not in second and 'rel="prev"' in second


def test_typical_manage_reaches_page_two(client, roles):
    case = make_case()
    for n in range(21):  # a page holds 20
        _typical(case, n, "rejected")
    client.force_login(UserFactory(is_superuser=True))
    page = client.get("/statistics/typical/").content.decode()
    assert "典型案例第00号" in page and "典型案例第20号" not in page
    second = client.get("/statistics/typical/" + _next_href(page)).content.decode()
    assert "典型案例第20号" in second and "典型案例第00号" not in second


def test_the_notices_reach_page_two(client, roles):
    user = complainant()
    for n in range(21):  # a page holds 20
        note = Notification.objects.create(user=user, channel=Notification.Channel.IN_APP, subject=f"通知第{n:02d}号",
                                           body="案件有新进展。", idempotency_key=f"paging-{n}")
        Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=n))
    client.force_login(user)
    page = client.get("/notices/").content.decode()
    assert "通知第00号" in page and "通知第20号" not in page
    second = client.get("/notices/" + _next_href(page)).content.decode()
    assert "通知第20号" in second and "通知第00号" not in second
