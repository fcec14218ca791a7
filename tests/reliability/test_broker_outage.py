"""The broker is down for a minute: complaints filed through the online form all succeed, quickly,
with their notices kept in the outbox; when the broker is back the outbox sweep (as beat runs it)
drains the backlog through a real worker, each notice sent once."""
import json
import statistics
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.intake.models import ComplaintDraft
from cases.models import Case, Notification
from cases.notifications import message_id
from config.celery import app
from tests.factories import complainant
from tests.intake.conftest import pdf
from tests.intake.helpers import fill_all_steps, step_url
from tests.markers import postgres_only, worker_only
from tests.reliability.procs import RedisServer, Worker, env_for
from tests.worker import wait_for

OUTAGE_SECONDS = 60


def _point_celery_at(url):
    """Publish to ``url`` from now on (the pools are built from the URL on first use)."""
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None


def _file_a_complaint(i) -> tuple[int, float]:
    client = Client()
    user = complainant(full_name=f"申请人{i}", phone=f"1370000{i:04d}", email=f"a{i}@example.cn")
    client.force_login(user)
    assert client.get(reverse("intake:complaint_start")).status_code == 302
    draft = ComplaintDraft.objects.get(owner=user)
    fill_all_steps(client, draft)
    client.post(step_url(draft, "evidence"), {"file": pdf(), "description": "专利证书", "action": "continue"})
    started = time.monotonic()
    response = client.post(step_url(draft, "review"), {"declaration": "on"})
    took = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = Case.objects.get(submitted_by=user)
    assert response["Location"] == reverse("intake:submitted", args=[case.pk])
    return case.pk, took


@postgres_only
@worker_only
@pytest.mark.django_db(transaction=True)
def test_a_minute_without_broker_loses_no_complaint_and_no_notice(tmp_path, real_broker, roles):
    from tests.factories import OrganizationFactory

    OrganizationFactory(name="璧山区知识产权保护中心")
    broker = RedisServer().start()
    previous = app.conf.broker_url
    _point_celery_at(broker.url)
    try:
        broker.stop()  # the broker goes down
        submissions = []
        end = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < end:
            submissions.append(_file_a_complaint(len(submissions)))
        case_ids = [pk for pk, _ in submissions]
        outbox = Notification.objects.filter(case_id__in=case_ids).exclude(channel="in_app")
        assert outbox.count() == 2 * len(case_ids)  # an SMS and an e-mail per complaint, all waiting
        assert not outbox.exclude(state="pending").exists()

        broker.start()  # back, on the same port
        env = env_for(tmp_path, CELERY_BROKER_URL=broker.url,
                      EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                      EMAIL_FILE_PATH=str(tmp_path / "mail"))
        worker = Worker(tmp_path, env, "drain")
        try:
            assert worker.wait_ready()
            # Beat flushes notices older than a minute; the outage is the minute.
            outbox.update(created_at=timezone.now() - timedelta(minutes=2))
            # Sent through this process's own producer pool, which failed every publish of the
            # outage: a web process recovers by itself once the broker is back.
            # Beat flushes at most 500 notices a run, every minute; here every 10 s until the outbox is empty
            # (a quiet machine files a few hundred complaints in the minute, more than one run's batch).
            drain_started = time.monotonic()
            drained = False
            while not drained and time.monotonic() - drain_started < 180:
                app.send_task("cases.tasks.flush_outbox")
                drained = wait_for(lambda: not outbox.filter(state="pending").exists(), timeout=10)
            assert drained, worker.log_path.read_text()[-3000:]
            drained_in = time.monotonic() - drain_started
        finally:
            worker.stop()
    finally:
        broker.stop()
        _point_celery_at(previous)

    assert not outbox.exclude(state="sent").exists()
    calls = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sorted(c["message_id"] for c in calls) == sorted(message_id(n) for n in outbox.filter(channel="sms"))
    assert len(list((tmp_path / "mail").iterdir())) >= 1
    took = [t for _, t in submissions]
    print(f"\n{len(submissions)} complaints filed during a {OUTAGE_SECONDS}s broker outage; "  # noqa: T201
          f"submit (final step) median {statistics.median(took) * 1000:.0f} ms, max {max(took) * 1000:.0f} ms; "
          f"backlog of {outbox.count()} notices drained in {drained_in:.1f} s")
    assert max(took) < 10  # never the minutes of a blocked connection
