import json

import pytest
from django.core import mail
from django.db import transaction

from cases.models import Notification
from cases.notifications import deliver, notify
from tests.factories import UserFactory, make_case
from tests.markers import ON_POSTGRES, worker_only


@pytest.mark.django_db
def test_one_notice_per_channel_with_an_address_sent_once(roles, sms_outbox, django_capture_on_commit_callbacks):
    user = UserFactory(phone="13800001111", email="a@example.cn")
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(key="k1", case=case, user=user, subject="您的申请已受理", body="案件已受理。", link="/cases/1/")
    assert {r.channel for r in rows} == {"in_app", "sms", "email"}
    assert [m["phone"] for m in sms_outbox] == ["13800001111"]
    assert "【璧山知识产权】案件已受理。" in sms_outbox[0]["text"] and "/cases/1/" in sms_outbox[0]["text"]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "您的申请已受理"
    assert Notification.objects.filter(state="sent").count() == 3
    # The same key again (a retried task, a repeated reminder) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="k1", case=case, user=user, subject="您的申请已受理", body="案件已受理。")
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_deliver_twice_sends_once(roles, sms_outbox):
    row = notify(key="k2", phone="13800002222", subject="s", body="b", channels=["sms"])[0]
    assert deliver(row.pk) is True
    assert deliver(row.pk) is False
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_nothing_is_queued_when_the_change_rolls_back(roles, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(key="k3", phone="13800003333", subject="s", body="b", channels=["sms"])
        raise RuntimeError
    assert sms_outbox == [] and not Notification.objects.exists()


@worker_only
@pytest.mark.skipif(not ON_POSTGRES, reason="the worker process needs the shared PostgreSQL test database")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_delivers_each_notice_exactly_once(roles, tmp_path, real_broker):
    from tests.worker import celery_worker, wait_for

    with celery_worker(tmp_path):
        with transaction.atomic():
            for i in range(10):
                notify(key=f"w{i}", phone=f"138000044{i:02d}", subject="s", body=f"通知{i}", channels=["sms"])
        assert wait_for(lambda: Notification.objects.filter(state="sent").count() == 10)
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sorted(m["phone"] for m in lines) == [f"138000044{i:02d}" for i in range(10)]


@pytest.mark.django_db
def test_a_broker_outage_keeps_the_notice_in_the_outbox(roles, sms_outbox, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    """The change commits and the page answers; the outbox sweep sends the notice later, once."""
    from datetime import timedelta

    from django.utils import timezone

    from cases import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(tasks.deliver_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        row = notify(key="k4", phone="13800005555", subject="s", body="b", channels=["sms"])[0]
    row.refresh_from_db()
    assert row.state == "pending" and sms_outbox == []
    monkeypatch.undo()
    # Too fresh to flush yet: its first enqueue might still be in flight.
    assert tasks.flush_outbox() == 0
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert tasks.flush_outbox() == 1
    assert tasks.flush_outbox() == 0
    assert len(sms_outbox) == 1
