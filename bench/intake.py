"""Online complaints at a steady rate through the real path: gunicorn + a Celery worker + Redis.

Each complaint is ``POST /api/v1/complaints/`` with a complainant's API token (one of
``--complainants`` accounts, made here with their tokens), a fresh ``Idempotency-Key`` and
valid, distinct identity numbers. Requests are sent open-loop at ``--rate`` per second for
``--duration`` seconds by a pool of threads (a slow answer does not slow the offered load),
so the figure is what the server sustains, not what a polite client waits for. The notices
each complaint queues are sent by a real Celery worker; the script waits for the outbox to
drain and reports how many were delivered.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/ipdr_bench_1m \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/intake.py --rate 20 --duration 600
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The outside world is faked, as in the tests: SMS to a file, e-mail nowhere.
os.environ.setdefault("SMS_BACKEND", "cases.notifications.FileSMSBackend")
os.environ.setdefault("SMS_FILE_PATH", "/tmp/ipdr-bench-sms.jsonl")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

import django  # noqa: E402

django.setup()

from load import free_port, start_gunicorn, stop  # noqa: E402

from cases.management.commands.seed_demo import _credit_code, _id_number, _patent_number  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def complainants(n):
    """``n`` complainant accounts with API tokens (made once; reruns reuse them)."""
    from rest_framework.authtoken.models import Token

    from cases.models import Role, User
    from cases.services.access import user_set_roles

    tokens = []
    for i in range(n):
        user, created = User.objects.get_or_create(username=f"bench.complainant.{i}",
                                                   defaults={"full_name": f"压测申请人{i}"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user_set_roles(user=user, roles=[Role.COMPLAINANT])
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


def payload(rng):
    return {
        "applicant": {"kind": "person", "name": "李明", "id_number": _id_number(rng), "phone": "13812345678",
                      "address": "重庆市璧山区璧泉街道"},
        "respondents": [{"kind": "organization", "name": "重庆某某机械有限公司", "credit_code": _credit_code(rng),
                         "phone": "023-41234567", "address": "重庆市璧山区青杠街道"}],
        "ip_rights": [{"kind": "utility_model", "number": _patent_number(rng, 2),
                       "title": "一种新能源汽车电池散热装置", "holder": "李明"}],
        "dispute_type": "infringement", "industry": "新能源汽车",
        "facts": "被申请人未经许可制造、销售落入涉案专利保护范围的电池散热装置。" * 3,
        "claims": "请求停止侵权并赔偿经济损失5万元。", "amount_in_dispute": "50000.00",
        "knowledge_date": "2025-03-01", "court_docketed": False, "preferred_route": "mediation",
    }


def start_worker(concurrency, log_path):
    log = open(log_path, "w")  # noqa: SIM115 - the worker outlives this function
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--concurrency",
         str(concurrency), "--without-gossip", "--without-mingle", "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    time.sleep(3)
    return proc


def workers_cpu_seconds(master_pid) -> float:
    """User + system CPU seconds of the gunicorn master's worker processes so far (Linux ``/proc``)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == master_pid:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def lock_waiters() -> int | None:
    """Backends of this database waiting on a lock now (the number counter's row, mostly); None off PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0, help="complaints offered per second")
    parser.add_argument("--duration", type=float, default=600.0, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32, help="client threads (open loop)")
    parser.add_argument("--complainants", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("set CELERY_BROKER_URL (Redis): the notices go through a real worker")
    from cases.models import Case, Notification

    tokens = complainants(args.complainants)
    first_case = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    proc, base = start_gunicorn(free_port(), args.workers, extra_env={"IPDR_STAFF_OTP_REQUIRED": "0"},
                                log_path="/tmp/ipdr-bench-intake-gunicorn.log")
    worker = start_worker(args.celery_concurrency, "/tmp/ipdr-bench-intake-worker.log")
    cpu_before = workers_cpu_seconds(proc.pid)
    total = int(args.rate * args.duration)
    start = time.monotonic() + 1.0
    results, lock, next_i = [], threading.Lock(), [0]
    loads, waiters = [], []  # the machine's 1-minute load average and the lock waiters, every 30 s

    def client(seed):
        rng = random.Random(seed)
        s = requests.Session()
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= total:
                return
            due = start + i / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body = payload(rng)
            t = time.perf_counter()
            try:
                r = s.post(base + "/api/v1/complaints/", json=body, timeout=60, headers={
                    "Authorization": f"Token {tokens[i % len(tokens)]}", "Idempotency-Key": str(uuid.uuid4())})
                status, number = r.status_code, (r.json().get("number") if r.status_code == 201 else r.text[:200])
            except requests.RequestException as exc:
                status, number = 0, str(exc)[:200]
            with lock:
                results.append(((time.perf_counter() - t) * 1000, status, number, time.monotonic()))

    def reporter():
        """A line every 30 s, so a run cut short still says what it measured."""
        seen = 0
        while next_i[0] < total or seen < len(results):
            time.sleep(30)
            with lock:
                window, seen = results[seen:], len(results)
                ok_all = sum(1 for r in results if r[1] == 201)
            loads.append(os.getloadavg()[0])
            waiters.append(lock_waiters())
            if window:
                lat = sorted(r[0] for r in window)
                print(f"[{time.monotonic() - start:.0f} s] accepted {ok_all}, errors {len(results) - ok_all}; "
                      f"last 30 s: {len(window) / 30:.1f}/s, p50 {statistics.median(lat):.0f} ms, "
                      f"p95 {lat[int(0.95 * len(lat)) - 1]:.0f} ms; load {loads[-1]:.1f} on {os.cpu_count()} "
                      f"cores, waiting on a lock {waiters[-1]}", flush=True)

    threading.Thread(target=reporter, daemon=True).start()
    try:
        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ended = max(r[3] for r in results)
        cpu = workers_cpu_seconds(proc.pid) - cpu_before
        # The notices: wait for the worker to drain the outbox of the new cases.
        new = Notification.objects.filter(case_id__gt=first_case)
        drain_deadline = time.monotonic() + 120
        while new.filter(state=Notification.State.PENDING).exists() and time.monotonic() < drain_deadline:
            time.sleep(2)
        states = {s: new.filter(state=s).count() for s in Notification.State.values}
    finally:
        stop(proc)
        stop(worker)
    ok = [r for r in results if r[1] == 201]
    errors = [r for r in results if r[1] != 201]
    latencies = sorted(r[0] for r in results)
    numbers = [r[2] for r in ok]
    elapsed = ended - start
    print(f"offered {total} complaints at {args.rate}/s for {args.duration:.0f} s; gunicorn {args.workers} workers, "
          f"Celery concurrency {args.celery_concurrency}")
    print(f"accepted {len(ok)} in {elapsed:.0f} s = {len(ok) / elapsed:.1f}/s; errors {len(errors)} "
          f"{sorted({e[1] for e in errors})}; duplicate numbers {len(numbers) - len(set(numbers))}")
    print(f"latency p50 {statistics.median(latencies):.0f} ms, p95 {latencies[int(0.95 * len(latencies)) - 1]:.0f} ms, "
          f"max {latencies[-1]:.0f} ms")
    print(f"gunicorn workers' CPU {cpu:.0f} s = {1000 * cpu / max(len(results), 1):.0f} ms a complaint; machine load "
          f"(1 min) median {statistics.median(loads or [0]):.1f} on {os.cpu_count()} cores; backends waiting on a "
          f"lock, median of the 30-s samples {statistics.median([w or 0 for w in waiters] or [0]):.0f}")
    print(f"notices of the new cases: {states}")
    for e in errors[:5]:
        print("error:", e[1], e[2])


if __name__ == "__main__":
    main()
