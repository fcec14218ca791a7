"""Deadline reminders and escalation (Celery beat): to the person who must act, once each.

The last test runs a real Celery worker on Redis and sends the sweep through the broker
again and again; it counts the delivered SMS to prove that each reminder goes out exactly once.
"""
import contextlib
import datetime
import json
import os
import subprocess
import sys
import time

import pytest
from django.db import transaction
from django.utils import timezone

from cases.models import CaseEvent, Deadline, Notification
from mediation import services
from mediation.models import ReminderLog
from mediation.services.reminders import due_reminders
from mediation.tasks import mediation_deadline_sweep
from tests.markers import ON_POSTGRES, worker_only
from tests.mediation.conftest import in_mediation, new_case
from workflows import router


def _shift(case, kind, days_from_today):
    """Make the deadline of ``kind`` fall ``days_from_today`` from today."""
    Deadline.objects.filter(case=case, kind=kind).update(
        due_date=timezone.localdate() + datetime.timedelta(days=days_from_today))


def _sms(user_or_phone):
    phone = getattr(user_or_phone, "phone", user_or_phone)
    return Notification.objects.filter(channel="sms", address=phone)


@pytest.mark.django_db
def test_reminder_before_the_deadline_goes_to_the_mediator_once(med, people, sms_outbox,
                                                                django_capture_on_commit_callbacks):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    _shift(case, "mediation_limit", 1)
    before = len(sms_outbox)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            mediation_deadline_sweep.delay()
    reminders = _sms(med.expert).filter(subject="期限即将届满")
    assert reminders.count() == 1 and reminders.get().state == "sent"
    assert len(sms_outbox) - before == 1 and sms_outbox[-1]["phone"] == med.expert.phone
    assert ReminderLog.objects.filter(stage="reminder").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="mediation_deadline_reminded").count() == 1
    assert not _sms(med.director).filter(subject="逾期报告").exists()


@pytest.mark.django_db
def test_overdue_is_escalated_to_the_director_once(med, people):
    case = in_mediation(med, people)
    services.mediation_assign(actor=med.director, case=case, mediator=med.expert)
    _shift(case, "mediation_accept", -1)
    mediation_deadline_sweep.delay()
    mediation_deadline_sweep.delay()
    assert _sms(med.expert).filter(subject="期限已届满").count() == 1
    assert _sms(med.director).filter(subject="逾期报告").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="mediation_deadline_escalated").count() == 1
    assert due_reminders() == []


@pytest.mark.django_db
def test_consent_reminder_goes_to_the_respondent(med, people):
    case = new_case(med, people)
    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    _shift(case, "mediation_consent", 0)
    mediation_deadline_sweep.delay()
    assert _sms("13987654321").filter(subject="期限即将届满").count() == 1


@pytest.mark.django_db
def test_an_extension_starts_the_reminders_again(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    _shift(case, "mediation_limit", 1)
    mediation_deadline_sweep.delay()
    extension = services.extension_request(actor=med.expert, case=case, days=1, reason="核对", parties_agreed=True,
                                           agreement_note="电话同意")
    services.extension_decide(actor=med.director, extension=extension, approve=True)
    _shift(case, "mediation_limit", 0)  # the new due date arrives
    mediation_deadline_sweep.delay()
    assert _sms(med.expert).filter(subject="期限即将届满").count() == 2


@pytest.mark.django_db
def test_performance_date_reminds_the_mediator_to_follow_up(med, people):
    from tests.mediation.test_documents import _sealed

    case, agreement = _sealed(med, people)
    _shift(case, "mediation_performance", 0)
    mediation_deadline_sweep.delay()
    assert _sms(med.expert).filter(subject="请回访协议履行情况").count() == 1


@pytest.mark.django_db
def test_a_lapsed_confirmation_window_ends_the_judicial_step(med, people):
    from mediation.flow import open_tasks
    from tests.mediation.test_documents import _sealed

    case, agreement = _sealed(med, people)
    _shift(case, "mediation_judicial_confirmation", -1)
    mediation_deadline_sweep.delay()
    assert sorted(t.flow_task.name for t in open_tasks(case)) == ["follow_up"]
    assert Deadline.objects.get(case=case, kind="mediation_judicial_confirmation").state == "cancelled"
    assert CaseEvent.objects.filter(case=case, kind="mediation_judicial_lapsed").exists()


@contextlib.contextmanager
def celery_beat(tmp_path, *, every):
    """``celery beat`` in a subprocess with the mediation sweep every ``every`` seconds; stopped on exit."""
    from tests.worker import ROOT, _database_url

    env = {**os.environ, "DATABASE_URL": _database_url(), "IPDR_VAR_DIR": str(tmp_path / "beat-var"),
           "IPDR_MEDIATION_SWEEP_SECONDS": str(every)}
    log = open(tmp_path / "beat.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info", "--max-interval", "1",
         "-s", str(tmp_path / "beat-schedule")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    assert "mediation.tasks.mediation_deadline_sweep" in (tmp_path / "beat.log").read_text()


@worker_only
@pytest.mark.skipif(not ON_POSTGRES, reason="the worker process needs the shared PostgreSQL test database")
@pytest.mark.django_db(transaction=True)
def test_real_worker_and_beat_send_each_reminder_exactly_once(med, people, tmp_path, real_broker):
    """A real worker on Redis; a real beat sends the sweep every second, then it is sent by hand, twice at once."""
    from tests.worker import celery_worker, wait_for

    with transaction.atomic():
        cases = [in_mediation(med, people, respondent_name=f"重庆第{i}机械有限公司") for i in range(3)]
        services.mediation_claim(actor=med.expert, case=cases[0])
        services.mediation_claim(actor=med.generalist, case=cases[1])
        services.mediation_assign(actor=med.director, case=cases[2], mediator=med.health)
    _shift(cases[0], "mediation_limit", 1)  # reminder to 张调解
    _shift(cases[1], "mediation_limit", -2)  # overdue: 王调解 told, the director escalated
    _shift(cases[2], "mediation_accept", -1)  # 赵调解 did not answer: told, the director escalated
    expected = {("13700000001", "期限即将届满"), ("13700000002", "期限已届满"), ("13700000009", "逾期报告"),
                ("13700000003", "期限已届满")}
    with celery_worker(tmp_path, concurrency=4):
        with celery_beat(tmp_path, every=1):  # the real beat, its sweep every second
            time.sleep(4)
        for _ in range(3):  # and the sweep sent by hand, twice at once
            mediation_deadline_sweep.delay()
            mediation_deadline_sweep.delay()
            time.sleep(0.5)
        assert wait_for(lambda: ReminderLog.objects.count() == 5, timeout=60)
        assert wait_for(lambda: not Notification.objects.filter(
            channel="sms", state="pending", subject__in=["期限即将届满", "期限已届满", "逾期报告"],
        ).exists(), timeout=60)
        time.sleep(2)  # anything sent twice would show up now
    texts = [json.loads(line)["text"] for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    reminders = list(Notification.objects.filter(channel="sms", subject__in=["期限即将届满", "期限已届满", "逾期报告"]))
    assert {(n.address, n.subject) for n in reminders} == expected
    assert len(reminders) == 5  # 张 1, 王 1, 赵 1, the director 2 (two cases escalated)
    for notice in reminders:
        assert notice.state == "sent"
        assert sum(1 for text in texts if notice.body in text) == 1, notice.body  # delivered exactly once
    assert CaseEvent.objects.filter(
        kind__in=["mediation_deadline_reminded", "mediation_deadline_escalated"]).count() == 5
