"""kill -9 the worker again and again while notices and PDFs are in flight: nothing is lost and
nothing is done twice (acks_late + reject on worker lost + idempotent tasks)."""
import hashlib
import json
import re
import time

import pytest
import redis
from django.conf import settings
from django.db import transaction

from cases.documents.models import Document, DocumentType
from cases.documents.services import document_queue
from cases.models import CaseEvent, Notification
from cases.notifications import message_id, notify
from tests.markers import postgres_only, worker_only
from tests.reliability.procs import WorkerForkServer, env_for
from tests.worker import wait_for

ROUNDS = 20
NOTICES = 100
DOCUMENTS = 16


def _in_flight(log_path) -> set[str]:
    """Task ids a worker's log shows received but not finished: what the kill interrupted."""
    log = log_path.read_text()
    received = set(re.findall(r"Task [\w.]+\[([\w-]+)\] received", log))
    return received - set(re.findall(r"Task [\w.]+\[([\w-]+)\] (?:succeeded|retry|raised)", log))


@postgres_only
@worker_only
@pytest.mark.django_db(transaction=True)
def test_killing_workers_loses_nothing_and_repeats_nothing(tmp_path, real_broker, clerk, centre, case):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # this test's broker db: no stale messages
    env = env_for(
        tmp_path, SMS_BACKEND="tests.reliability.gateway.SlowFileSMSBackend",
        # Recover a killed worker's messages within seconds (production: 600 s, swept every 60 s).
        CELERY_VISIBILITY_TIMEOUT="3", CELERY_UNACKED_RESTORE_INTERVAL="1", CELERY_UNACKED_RESTORE_THROTTLE="1",
        CELERY_UNACKED_MUTEX_EXPIRE="3",
    )
    with transaction.atomic():
        for i in range(NOTICES):
            notify(key=f"kill-{i}", case=case, phone=f"1390000{i:04d}", subject="s", body=f"通知{i}",
                   channels=["sms"])
        for i in range(DOCUMENTS):
            document_queue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE, organization=centre,
                           series=f"kill-{i}",
                           context={"route": "mediation", "next_step": f"第{i}号测试"})
    # The on-commit enqueues above put every task on the broker; now crash workers under them. The
    # next worker boots while the current one works, and the current one is killed (SIGKILL to its
    # whole process group) once the next is ready: every kill lands while tasks are running.
    # Workers are forked from one warm parent (a real ``celery worker`` each, without re-importing
    # the app twenty times; see tests/reliability/forkserver.py).
    interrupted = 0
    workers = WorkerForkServer(env)
    try:
        current = workers.spawn(tmp_path, "r0", concurrency=1)
        assert current.wait_ready(), current.log_path.read_text()
        started = time.monotonic()
        for round_no in range(1, ROUNDS + 1):
            following = workers.spawn(tmp_path, f"r{round_no}", concurrency=1)
            assert following.wait_ready(), following.log_path.read_text()
            current.kill()
            interrupted += bool(_in_flight(current.log_path))
            current = following
        kills_took = time.monotonic() - started
        # The last one is left alone: it recovers what the killed ones held and drains the queue.
        assert wait_for(lambda: (Notification.objects.filter(state="sent").count() == NOTICES
                                 and not Document.objects.filter(state="queued").exists()), timeout=90), (
            Notification.objects.exclude(state="sent").count(), Document.objects.filter(state="queued").count())
    finally:
        workers.close()  # stops every worker still running (the last one, or a half-started one)
    assert interrupted >= ROUNDS // 2  # the kills did land in the middle of tasks (the backlog outlasts them)

    # Notices: every one delivered, each exactly once to the phone (the gateway's record).
    calls = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    delivered = [c["message_id"] for c in calls if not c["duplicate"]]
    expected = sorted(message_id(n) for n in Notification.objects.filter(channel="sms"))
    assert sorted(delivered) == expected
    # A repeated call only happens when a kill fell between the gateway's answer and the commit:
    # at most one per kill (one pool process per worker).
    repeated = len(calls) - len(delivered)
    assert repeated <= ROUNDS

    # Documents: every one rendered once, its file matching its stored hash, one event each.
    docs = list(Document.objects.filter(case=case))
    assert len(docs) == DOCUMENTS and all(d.state == "rendered" for d in docs)
    storage_root = tmp_path / "var" / "private"
    for doc in docs:
        assert hashlib.sha256((storage_root / doc.file.name).read_bytes()).hexdigest() == doc.sha256
    events = CaseEvent.objects.filter(case=case, kind="document_issued").values_list("after__document", flat=True)
    assert sorted(events) == sorted(d.pk for d in docs)
    on_disk = sorted(p.name for p in storage_root.rglob("*.pdf"))
    assert on_disk == sorted(doc.file.name.rsplit("/", 1)[1] for doc in docs)  # nothing left behind by a kill
    print(f"\n{ROUNDS} kills ({interrupted} with tasks in flight) in {kills_took:.0f}s; "  # noqa: T201
          f"gateway calls {len(calls)} for {NOTICES} notices ({repeated} repeated, dropped by message id); "
          f"{DOCUMENTS} documents rendered once")
