"""EXPLAIN (ANALYZE, BUFFERS) of every SQL query a role's list page runs, on an existing database.

Calls the page's view directly (RequestFactory, the user attached, no session, no middleware) inside a
read-only session, so the measured database is never written; captures the page's SELECTs, then
runs each one ``--runs`` times under EXPLAIN (ANALYZE, BUFFERS) and prints, per page, the median
execution time of each query, its buffer counts (shared hits + reads: independent of the machine's
load) and the top of its plan. Meant for the city-scale database (``bench/seed_million.py``):

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/ipdr_bench_1m .venv/bin/python bench/visibility.py
"""
import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.messages.storage.fallback import FallbackStorage  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import resolve  # noqa: E402

from cases.models import User  # noqa: E402

# (label, username, path): the list every role opens first.
PAGES = [
    ("complainant: my cases", "complainant", "/cases/"),
    ("intake clerk: case list", "intake", "/cases/"),
    ("intake clerk: intake queue", "intake", "/work/intake/"),
    ("mediator: case list", "mediator", "/cases/"),
    ("mediator: my cases", "mediator", "/mediation/"),
    ("officer: case list", "officer", "/cases/"),
    ("officer: adjudication queue", "officer", "/work/adjudication/"),
    ("chief: adjudication queue", "chief", "/work/adjudication/"),
    ("station clerk: case list", "clerk", "/cases/"),
    ("station clerk: station queue", "clerk", "/work/tribunal/"),
    # The queues sorted and counted by the soonest deadline (Case.next_due), and the home pages' counts.
    ("director: mediation queue", "director", "/mediation/queue/"),
    ("intake clerk: home", "intake", "/"),
    ("mediator: home", "mediator", "/"),
    ("officer: home", "officer", "/"),
    ("chief: home", "chief", "/"),
    ("director: home", "director", "/"),
]


def page_queries(username, path):
    """The SELECTs the page runs for ``username``, as executed (parameters inlined by the driver)."""
    user = User.objects.get(username=username)
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    match = resolve(path)
    with CaptureQueriesContext(connection) as ctx:
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    if response.status_code != 200:
        raise SystemExit(f"{path} as {username}: HTTP {response.status_code}")
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


def explain(sql, runs):
    times, plan = [], None
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            times.append(plan[0]["Execution Time"])
    top = plan[0]["Plan"]
    buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return statistics.median(times), buffers, top


def outline(node, depth=0, limit=6):
    """The first ``limit`` nodes of a plan, one line each."""
    lines = [f"{'  ' * depth}{node['Node Type']}{' ' + node.get('Index Name', '') if node.get('Index Name') else ''}"
             f" rows={node.get('Actual Rows')}"]
    for child in node.get("Plans", []):
        if len(lines) >= limit:
            break
        lines.extend(outline(child, depth + 1, limit - len(lines)))
    return lines[:limit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated substrings of page labels")
    parser.add_argument("--plans", action="store_true", help="print the top of each slow query's plan")
    parser.add_argument("--slow-ms", type=float, default=20.0)
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    print("| page | queries | sum of medians ms | slowest query ms | buffers (all queries) |")
    print("|---|---|---|---|---|")
    details = []
    for label, username, path in PAGES:
        if wanted and not any(w in label for w in wanted):
            continue
        results = [(sql, *explain(sql, args.runs)) for sql in page_queries(username, path)]
        total = sum(r[1] for r in results)
        slowest = max(results, key=lambda r: r[1])
        print(f"| {label} | {len(results)} | {total:,.1f} | {slowest[1]:,.1f} | {sum(r[2] for r in results):,} |",
              flush=True)
        details.extend((label, r) for r in results if r[1] >= args.slow_ms)
    if args.plans:
        for label, (sql, ms, buffers, top) in details:
            print(f"\n## {label}: {ms:,.1f} ms, {buffers:,} buffers\n{sql[:600]}")
            print("\n".join(outline(top)))


if __name__ == "__main__":
    main()
