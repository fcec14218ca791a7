"""Past one machine, in miniature: two app processes (gunicorn on two ports) and two Celery
workers share one PostgreSQL database and one Redis broker.

Complaints go to both app servers at the same time; every one gets a number, the numbers are
consecutive with no gap and no repeat; accepting them (again through both servers) queues
notices that the two workers deliver exactly once each; a session started on one server works
on the other (sessions live in the database, not in a process).
"""
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.authtoken.models import Token

from cases.models import Case, District, Industry, Notification, Organization, Role
from tests.factories import OrganizationFactory, UserFactory, staff
from tests.markers import postgres_only, worker_only
from tests.worker import _database_url, celery_worker, wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "Two-Processes-2026"
NUMBER = re.compile(r"第(\d+)号")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(port, env, log):
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/accounts/login/", timeout=30)
            return proc, base
        except (requests.ConnectionError, requests.Timeout):
            assert proc.poll() is None, "gunicorn exited"
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


def _complaint(i):
    from tests.factories import credit_code, id_number, patent_number

    return {
        "applicant": {"kind": "person", "name": f"申请人{i}", "id_number": id_number(), "phone": f"138{i:08d}",
                      "address": "重庆市璧山区璧泉街道"},
        "respondents": [{"kind": "organization", "name": f"重庆某某机械有限公司{i}", "credit_code": credit_code(),
                         "phone": f"139{i:08d}", "address": "重庆市璧山区青杠街道"}],
        "ip_rights": [{"kind": "utility_model", "number": patent_number(kind_digit=2),
                       "title": "一种新能源汽车电池散热装置", "holder": f"申请人{i}"}],
        "dispute_type": "infringement", "industry": "新能源汽车",
        "facts": "被申请人未经许可制造、销售落入涉案专利保护范围的产品。", "claims": "请求停止侵权。",
        "preferred_route": "mediation",
    }


@postgres_only
@worker_only
@pytest.mark.django_db(transaction=True)
def test_two_app_processes_and_two_workers_share_one_database_and_broker(roles, tmp_path, settings, real_broker):
    district, _ = District.objects.get_or_create(name=settings.IPDR_DEFAULT_DISTRICT, defaults={"abbr": "璧"})
    centre = OrganizationFactory(
        name=f"{district.name}知识产权保护中心", kind=Organization.Kind.PROTECTION_CENTRE, district=district,
        number_abbr="璧知受",
    )
    OrganizationFactory(name=f"{district.name}知识产权纠纷人民调解委员会", kind=Organization.Kind.MEDIATION_COMMITTEE,
                        district=district, number_abbr="璧知调")
    Industry.objects.get_or_create(name="新能源汽车")
    clerk = staff(Role.INTAKE_CLERK, centre)
    applicants = [UserFactory(roles=[Role.COMPLAINANT]) for _ in range(2)]
    # The servers hash with the real settings' hasher, not the tests' fast one.
    applicants[0].password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    applicants[0].save(update_fields=["password"])
    tokens = [Token.objects.create(user=u).key for u in applicants]
    clerk_token = Token.objects.create(user=clerk).key

    sms = tmp_path / "sms.jsonl"
    env = {**os.environ, "DATABASE_URL": _database_url(), "IPDR_VAR_DIR": str(tmp_path / "var"),
           "IPDR_STAFF_OTP_REQUIRED": "0", "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "SMS_BACKEND": "cases.notifications.FileSMSBackend", "SMS_FILE_PATH": str(sms),
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    worker_env = {k: env[k] for k in ("IPDR_VAR_DIR", "SMS_FILE_PATH", "EMAIL_BACKEND")}
    (tmp_path / "w1").mkdir()
    (tmp_path / "w2").mkdir()
    logs = [open(tmp_path / f"gunicorn{i}.log", "w") for i in (1, 2)]  # noqa: SIM115 - closed below
    servers = []
    try:
        servers = [_gunicorn(_free_port(), env, log) for log in logs]
        with celery_worker(tmp_path / "w1", extra_env=worker_env, concurrency=1), \
                celery_worker(tmp_path / "w2", extra_env=worker_env, concurrency=1):
            # 1. Complaints to both servers at once: 2 clients per server, 3 complaints each.
            results, lock = [], threading.Lock()

            def submit(k):
                base = servers[k % 2][1]
                with requests.Session() as s:
                    for j in range(3):
                        r = s.post(base + "/api/v1/complaints/", json=_complaint(k * 10 + j), timeout=60,
                                   headers={"Authorization": f"Token {tokens[k % 2]}"})
                        with lock:
                            results.append((r.status_code, r.json()))

            threads = [threading.Thread(target=submit, args=(k,)) for k in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert [status for status, _ in results] == [201] * 12, results
            numbers = [body["number"] for _, body in results]
            sequences = sorted(int(NUMBER.search(n).group(1)) for n in numbers)
            assert len(set(numbers)) == 12
            assert sequences == list(range(sequences[0], sequences[0] + 12))  # consecutive, no gap
            assert set(Case.objects.values_list("number", flat=True)) == set(numbers)

            # 2. Accept them, alternating servers: each acceptance queues the parties' notices.
            for i, (_, body) in enumerate(results):
                r = requests.post(f"{servers[i % 2][1]}/api/v1/intake/{body['id']}/accept/",
                                  json={"route": "mediation", "note": ""}, timeout=60,
                                  headers={"Authorization": f"Token {clerk_token}"})
                assert r.status_code in (200, 201), r.text
            notices = Notification.objects.filter(case__in=Case.objects.all(), channel=Notification.Channel.SMS)
            assert wait_for(lambda: notices.exists() and not notices.exclude(state=Notification.State.SENT).exists(),
                            timeout=60), list(notices.values_list("state", flat=True))
            # Each notice reached the gateway exactly once, whichever worker took it.
            lines = [json.loads(line) for line in sms.read_text().splitlines() if line.strip()]
            ids = sorted(f"ipdr-n{n.pk}" for n in notices)  # the gateway message id is the Notification id
            delivered = sorted(str(line["message_id"]) for line in lines)
            assert delivered == ids
            assert not any(line["duplicate"] for line in lines)
            assert {line["phone"] for line in lines} >= {f"138{k * 10 + j:08d}" for k in range(4) for j in range(3)}

            # 3. A session started on server 1 works on server 2.
            with requests.Session() as s:
                login = s.get(servers[0][1] + "/accounts/login/", timeout=30)
                csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
                r = s.post(servers[0][1] + "/accounts/login/", timeout=30, allow_redirects=False,
                           data={"username": applicants[0].username, "password": PASSWORD,
                                 "csrfmiddlewaretoken": csrf},
                           headers={"Referer": servers[0][1] + "/accounts/login/"})
                assert r.status_code == 302 and "sessionid" in s.cookies
                page = s.get(servers[1][1] + "/cases/", timeout=30, allow_redirects=False)
                assert page.status_code == 200
                mine = set(Case.objects.filter(submitted_by=applicants[0]).values_list("number", flat=True))
                assert len(mine) == 6 and all(n in page.text for n in mine)
                assert not any(n in page.text for n in set(numbers) - mine)  # the other applicant's: hidden
    finally:
        for proc, _base in servers:
            proc.terminate()
            proc.wait(timeout=20)
        for log in logs:
            log.close()
