"""Every role's queue / list page under 8 concurrent users, against a real gunicorn.

Starts gunicorn (``--workers``, default 4) on a free port against ``DATABASE_URL`` with the
bench-only floor view mounted (``IPDR_BENCH_URLS=1``), logs each role in through the real
login form (the staff TOTP step is switched off for the run: it is a login-time step and
changes nothing on the pages measured), then for each page runs ``--users`` threads, each
with its own HTTP connection, requesting it ``--rounds`` times, and reports median and p95.

Page 1000: the script follows the page's own "next" link (``rel="next"``: keyset ``?after=``
cursors, or ``?page=N`` where a list still counts) until it reaches page ``--deep`` or the
list ends, then measures that URL the same way and reports median(page N) / median(page 1).

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/ipdr_bench_1m \\
        .venv/bin/python bench/load.py --users 8 --rounds 25
"""
import argparse
import html
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo@2026ipdr"  # seed_demo's demo password; bench/seed_million.py's staff copies share it
NEXT = re.compile(r'<a[^>]*href="([^"]+)"[^>]*rel="next"|<a[^>]*rel="next"[^>]*href="([^"]+)"')

# (label, username, path, paged): the list every role opens first, and the API lists.
PAGES = [
    ("complainant: my cases /cases/", "complainant", "/cases/", False),
    ("intake clerk: intake queue /work/intake/", "intake", "/work/intake/", True),
    ("intake clerk: case list /cases/", "intake", "/cases/", True),
    ("mediator: my cases /mediation/", "mediator", "/mediation/", False),
    ("director: mediation queue /mediation/queue/", "director", "/mediation/queue/", True),
    ("officer: adjudication queue /work/adjudication/", "officer", "/work/adjudication/", True),
    ("chief: adjudication queue /work/adjudication/", "chief", "/work/adjudication/", True),
    ("station clerk: station queue /work/tribunal/", "clerk", "/work/tribunal/", True),
    ("supervisor: case list /cases/", "supervisor", "/cases/", True),
    ("API /api/v1/cases/ (supervisor)", "supervisor", "/api/v1/cases/", True),
    ("API /api/v1/intake/queue/", "intake", "/api/v1/intake/queue/", True),
    ("API /api/v1/mediation/queue/", "director", "/api/v1/mediation/queue/", True),
    ("API /api/v1/mediation/my-cases/", "mediator", "/api/v1/mediation/my-cases/", False),
    ("supervisor: statistics dashboard /statistics/", "supervisor", "/statistics/", False),
    ("intake clerk: home /", "intake", "/", False),
    ("mediator: home /", "mediator", "/", False),
    ("officer: home /", "officer", "/", False),
    ("bare-Django floor (25 rows, one query)", "supervisor", "/bench/floor/", False),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port, workers, extra_env=None, log_path="/tmp/ipdr-bench-gunicorn.log"):
    env = {**os.environ, "IPDR_BENCH_URLS": "1", "IPDR_STAFF_OTP_REQUIRED": "0", "DJANGO_DEBUG": "0",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "ERROR", **(extra_env or {})}
    log = open(log_path, "w")  # noqa: SIM115 - the server outlives this function
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--timeout", "120", "--graceful-timeout", "5",
         "--max-requests", "0"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/accounts/login/", timeout=60)
            return proc, base
        except (requests.ConnectionError, requests.Timeout):
            if proc.poll() is not None:
                raise RuntimeError(Path(log_path).read_text()) from None
            time.sleep(0.5)
    stop(proc)
    raise RuntimeError("gunicorn did not start")


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def login(base, username, password=PASSWORD) -> dict:
    """Sign in through the real form; returns the cookies (session + CSRF) for other threads to reuse."""
    s = requests.Session()
    page = s.get(base + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(base + "/accounts/login/", data={"username": username, "password": password,
                                                "csrfmiddlewaretoken": token},
               headers={"Referer": base + "/accounts/login/"}, timeout=30, allow_redirects=False)
    if r.status_code != 302 or "sessionid" not in s.cookies:
        raise RuntimeError(f"login as {username} failed: {r.status_code}")
    return s.cookies.get_dict()


def next_link(base, url, body, is_json):
    if is_json:
        try:
            return (body.get("next") if isinstance(body, dict) else None) or None
        except AttributeError:
            return None
    m = NEXT.search(body)
    return urljoin(url, html.unescape(m.group(1) or m.group(2))) if m else None


def deep_url(base, cookies, path, deep, budget_s):
    """Follow "next" links from page 1 to page ``deep`` (jumping straight there when the link is ?page=N)."""
    s = requests.Session()
    s.cookies.update(cookies)
    url, page, started = base + path, 1, time.monotonic()
    while page < deep:
        r = s.get(url, timeout=120)
        is_json = r.headers.get("Content-Type", "").startswith("application/json")
        nxt = next_link(base, url, r.json() if is_json else r.text, is_json)
        if not nxt:
            return url, page, "end of list"
        query = parse_qs(urlparse(nxt).query)
        if "page" in query and "after" not in query:  # offset pagination: jump, like a user editing the URL
            jumped = nxt.replace(f"page={query['page'][0]}", f"page={deep}")
            return jumped, deep, "offset ?page="
        url, page = nxt, page + 1
        if time.monotonic() - started > budget_s:
            return url, page, f"stopped after {budget_s:.0f} s"
    return url, page, "keyset ?after="


def hammer(url, cookies, users, rounds):
    """``users`` threads, each with its own connection, GET ``url`` ``rounds`` times; latencies in ms."""
    times, errors, lock = [], [], threading.Lock()

    def worker():
        s = requests.Session()
        s.cookies.update(cookies)
        s.get(url, timeout=120)  # warm this connection (and the worker's caches)
        for _ in range(rounds):
            t = time.perf_counter()
            r = s.get(url, timeout=120)
            ms = (time.perf_counter() - t) * 1000
            with lock:
                times.append(ms)
                if r.status_code != 200:
                    errors.append(r.status_code)

    threads = [threading.Thread(target=worker) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    return statistics.median(times), times[max(0, int(0.95 * len(times)) - 1)], errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=25, help="requests per user per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--deep", type=int, default=1000, help="the deep page to compare with page 1")
    parser.add_argument("--deep-budget", type=float, default=240, help="seconds to spend walking to the deep page")
    parser.add_argument("--suffix", default="", help="username suffix: '.d05' measures district 05's staff")
    parser.add_argument("--complainant", default="complainant.1", help="a cloned complainant (48 cases)")
    parser.add_argument("--only", default="", help="comma-separated substrings: measure only the pages they name "
                        "(the floor is always measured)")
    args = parser.parse_args()
    only = [o for o in args.only.split(",") if o]
    pages = [p for p in PAGES if not only or any(o in p[0] for o in only) or p[2] == "/bench/floor/"]
    port = free_port()
    proc, base = start_gunicorn(port, args.workers)
    try:
        cookies = {}
        rows = []
        for label, username, path, paged in pages:
            user = args.complainant if username == "complainant" else username + args.suffix
            if user not in cookies:
                cookies[user] = login(base, user)
            median, p95, errors = hammer(base + path, cookies[user], args.users, args.rounds)
            deep = None
            if paged:
                url, page, how = deep_url(base, cookies[user], path, args.deep, args.deep_budget)
                if page > 1:
                    d_median, d_p95, d_errors = hammer(url, cookies[user], args.users, max(2, args.rounds // 2))
                    deep = (page, how, d_median, d_p95, d_errors)
                else:
                    deep = (page, how, None, None, [])
            rows.append((label, median, p95, errors, deep))
            print(f"{label}: median {median:.0f} ms, p95 {p95:.0f} ms, errors {len(errors)}"
                  + (f"; page {deep[0]} ({deep[1]})" + (f" median {deep[2]:.0f} ms" if deep[2] else "")
                     if deep else ""), flush=True)
    finally:
        stop(proc)
    floor = rows[-1][1]
    print(f"\n{args.users} concurrent users, {args.rounds} requests each per page, gunicorn {args.workers} workers\n")
    print("| page | median ms | p95 ms | median / floor | deep page reached | page-N median ms | page N / page 1 "
          "| errors |")
    print("|---|---|---|---|---|---|---|---|")
    for label, median, p95, errors, deep in rows:
        if deep and deep[2]:
            deep_cols = f"{deep[0]} ({deep[1]}) | {deep[2]:.0f} | {deep[2] / median:.2f}"
        elif deep:
            deep_cols = f"{deep[0]} ({deep[1]}) | – | –"
        else:
            deep_cols = "– | – | –"
        n_err = len(errors) + (len(deep[4]) if deep else 0)
        print(f"| {label} | {median:.0f} | {p95:.0f} | {median / floor:.1f} | {deep_cols} | {n_err} |")


if __name__ == "__main__":
    main()
