"""Median / p95 time of the main list pages, with the bare-Django floor beside them.

Seeds ``--cases`` demo cases (through the real services) into the configured
database unless it already has them, then requests each page ``--rounds`` times
through Django's test client (no network), and prints a Markdown table.
"""
import argparse
import html
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SMS_BACKEND", "cases.notifications.LocMemSMSBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

FLOOR = Template(
    "<table>{% for c in cases %}<tr><td>{{ c.number }}</td><td>{{ c.title }}</td>"
    "<td>{{ c.get_status_display }}</td></tr>{% endfor %}</table>"
)


def floor_view():
    """The bare-Django floor: one query and a template over the same 25 rows."""
    from cases.models import Case

    return FLOOR.render(Context({"cases": list(Case.objects.order_by("-submitted_at", "-id")[:25])}))


def measure(fn, rounds):
    """Median and p95 ms of ``fn()``, and its queries counted as tests/performance/test_query_counts.py does
    (CaptureQueriesContext around the whole request: session, user, audit row and session renewal included)."""
    times, queries = [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = fn()
            times.append((time.perf_counter() - start) * 1000)
        status = getattr(response, "status_code", 200)
        if status != 200:  # a redirect (to the second-factor step, say) is not the page
            raise SystemExit(f"answered {status}, not 200: {getattr(response, 'url', '')}")
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries


NEXT_LINK = re.compile(r'href="(\?[^"]*)" rel="next"')


def last_page(client, path, limit):
    """Follow the "next" cursor up to ``limit`` times: the URL of the page reached and how many hops it took."""
    url, hops = path, 0
    while hops < limit:
        found = NEXT_LINK.search(client.get(url).content.decode())
        if not found:
            break
        href = html.unescape(found.group(1))
        url, hops = path + href, hops + 1
    return url, hops


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--pages", type=int, default=30, help="How deep to follow the keyset cursor for page N.")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", cases=args.cases, quiet=True)

    from cases.models import Case, User

    client = Client()
    rows = []
    # Signed in with force_login, as the tests are: no second-factor step (it would answer every staff
    # page with a redirect, which is what the first runs of this script measured without noticing).
    with override_settings(IPDR_STAFF_OTP_REQUIRED=False):
        for username, path in [("intake", "/cases/"), ("intake", "/work/intake/"), ("supervisor", "/cases/"),
                               ("admin", "/cases/"), ("mediator", "/mediation/queue/"),
                               ("officer", "/work/adjudication/"), ("clerk", "/work/tribunal/")]:
            client.force_login(User.objects.get(username=username))
            client.get(path)  # warm up
            median, p95, queries = measure(lambda p=path: client.get(p), args.rounds)
            rows.append((f"{path} as {username}, page 1", median, p95, queries))
            deep, hops = last_page(client, path, args.pages)
            if hops:
                median, p95, queries = measure(lambda d=deep: client.get(d), args.rounds)
                rows.append((f"{path} as {username}, page {hops + 1} (keyset)", median, p95, queries))
        from cases.permissions import visible_cases

        for username, tier in [("admin", ""), ("intake", "intake"), ("mediator", "mediation"),
                               ("officer", "adjudication"), ("clerk", "tribunal")]:
            user = User.objects.get(username=username)
            cases = visible_cases(user).order_by("pk")
            case = (cases.filter(tier=tier) if tier else cases).first()
            if case is None:
                continue
            client.force_login(user)
            client.get(f"/cases/{case.pk}/")  # warm up
            median, p95, queries = measure(lambda c=case: client.get(f"/cases/{c.pk}/"), args.rounds)
            rows.append((f"case page as {username}" + (f" ({tier}, {case.get_status_display()})" if tier else ""),
                         median, p95, queries))
        floor = measure(floor_view, args.rounds)
    print(f"{Case.objects.count()} cases, {connection.vendor}, {args.rounds} rounds each\n")
    print("| page | median ms | p95 ms | queries | median / floor |")
    print("|---|---|---|---|---|")
    for name, median, p95, queries in rows:
        print(f"| {name} | {median:.1f} | {p95:.1f} | {queries} | {median / floor[0]:.1f} |")
    print(f"| bare-Django floor (25 rows, one query) | {floor[0]:.1f} | {floor[1]:.1f} | {floor[2]} | 1.0 |")


if __name__ == "__main__":
    main()
