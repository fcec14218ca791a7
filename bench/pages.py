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
from django.db import connection, reset_queries  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

FLOOR = Template(
    "<table>{% for c in cases %}<tr><td>{{ c.number }}</td><td>{{ c.title }}</td>"
    "<td>{{ c.get_status_display }}</td></tr>{% endfor %}</table>"
)


def floor_view():
    """The bare-Django floor: one query and a template over the same 25 rows."""
    from cases.models import Case

    return FLOOR.render(Context({"cases": list(Case.objects.order_by("-submitted_at", "-id")[:25])}))


def measure(fn, rounds):
    times, queries = [], 0
    for _ in range(rounds):
        reset_queries()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        queries = len(connection.queries)
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
    with override_settings(DEBUG=True):
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
        case = Case.objects.order_by("pk").first()
        client.force_login(User.objects.get(username="admin"))
        median, p95, queries = measure(lambda: client.get(f"/cases/{case.pk}/"), args.rounds)
        rows.append(("case page as admin", median, p95, queries))
        floor = measure(floor_view, args.rounds)
    print(f"{Case.objects.count()} cases, {connection.vendor}, {args.rounds} rounds each\n")
    print("| page | median ms | p95 ms | queries | median / floor |")
    print("|---|---|---|---|---|")
    for name, median, p95, queries in rows:
        print(f"| {name} | {median:.1f} | {p95:.1f} | {queries} | {median / floor[0]:.1f} |")
    print(f"| bare-Django floor (25 rows, one query) | {floor[0]:.1f} | {floor[1]:.1f} | {floor[2]} | 1.0 |")


if __name__ == "__main__":
    main()
