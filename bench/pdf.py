"""Three-page 行政裁决书 rendered through the Celery task path on 2 worker processes.

``document_queue`` (the service the tiers use for documents that should not hold up a
request) reserves the number and row and enqueues ``render_document``; two Celery worker
processes (``--concurrency 1`` each) render with the real WeasyPrint renderer and store the
PDF with its hash. Two phases, after a warm-up (fonts load once per process):

* single document: queue one, wait until its row is RENDERED, ``--single`` times; p50 / p95
  of queue-to-stored latency with idle workers (goal p95 ≤ 1 s);
* throughput: queue ``--batch`` documents at once and time until the last is stored
  (goal ≥ 5 documents/s);
* in process (``--in-process N``, default 10): the same document rendered N times in this
  process after one warm-up, no queue or storage; the median is the least noisy figure on a
  shared machine.

The decision's facts and reasoning are long enough that every PDF has three pages; the
script reports the page counts it got.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/ipdr_bench_1m \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/pdf.py
"""
import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from cases.documents import services  # noqa: E402
from cases.documents.models import Document, DocumentType  # noqa: E402
from cases.documents.services import document_queue  # noqa: E402
from cases.models import Case, Organization, Role, User  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FACTS = ("请求人系涉案实用新型专利的专利权人，该专利至今合法有效。请求人经公证购买取得被请"
         "求人制造、销售的电池包液冷散热装置，经比对，被控侵权产品具有与涉案专利权利要求1"
         "记载的全部技术特征相同或者等同的技术特征。被请求人在答辩中主张其产品采用的是现有"
         "技术，但未能提交证据证明。") * 3
REASONING = ("本局认为，涉案专利权合法有效，应受法律保护。根据《中华人民共和国专利法》第六十五"
             "条的规定，发明或者实用新型专利权的保护范围以其权利要求的内容为准，说明书及附图可"
             "以用于解释权利要求的内容。经技术调查官出具技术调查意见并经口头审理质证，被控侵权"
             "产品落入涉案专利权利要求1的保护范围，被请求人的现有技术抗辩不能成立。") * 2
ORDER = "被请求人立即停止制造、销售侵犯请求人第ZL202320123456.X号实用新型专利权的产品，并销毁库存侵权产品。"


def start_workers(n, log_dir):
    procs = []
    for i in range(n):
        log = open(Path(log_dir) / f"ipdr-bench-pdf-worker-{i}.log", "w")  # noqa: SIM115 - kept for the run
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--concurrency", "1",
             "--without-gossip", "--without-mingle", "-n", f"pdf{i}-{os.getpid()}@%h"],
            cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))
    return procs


def queue_one(actor, case, office):
    return document_queue(
        actor=actor, case=case, doc_type=DocumentType.ADJUDICATION_DECISION, organization=office,
        context={"decision": {"facts": FACTS, "reasoning": REASONING, "order": ORDER},
                 "filed_on": datetime.date(2026, 3, 2), "received_on": datetime.date(2026, 2, 26), "suit_days": 15},
        public=False,
    )


def render_in_process(case, office, n):
    """Render times (ms) of the bench's decision for ``case``, in this process, after one warm-up."""
    code = "BENCH" + "0" * 19
    meta = services.DocumentMeta(
        number="璧市监知裁决〔2026〕1号", title="行政裁决书", doc_type=DocumentType.ADJUDICATION_DECISION,
        type_label="行政裁决书", version=1, issued_at=timezone.now(), verification_code=code,
        verify_url=services.verification_url(code), qr=services.qr_data_uri(services.verification_url(code)),
    )
    context = {**services._case_context(case), "organization": office, "document": meta,
               "decision": {"facts": FACTS, "reasoning": REASONING, "order": ORDER},
               "filed_on": datetime.date(2026, 3, 2), "received_on": datetime.date(2026, 2, 26), "suit_days": 15}
    template = f"{services.TEMPLATE_DIR}/{DocumentType.ADJUDICATION_DECISION.value}.html"
    services._render(template, context)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        _, pages = services._render(template, context)
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times), pages


def wait_rendered(ids, timeout=600):
    deadline = time.monotonic() + timeout
    pending = set(ids)
    while pending and time.monotonic() < deadline:
        pending -= set(Document.objects.filter(pk__in=pending, state=Document.State.RENDERED)
                       .values_list("pk", flat=True))
        if pending:
            time.sleep(0.02)
    if pending:
        raise RuntimeError(f"{len(pending)} documents not rendered in {timeout} s")
    return time.monotonic()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single", type=int, default=30)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--in-process", type=int, default=10)
    parser.add_argument("--in-process-only", action="store_true", help="skip the Celery phases")
    args = parser.parse_args()
    office = Organization.objects.filter(kind=Organization.Kind.IP_OFFICE).order_by("pk").first()
    if args.in_process_only:
        return report_in_process(office, args.in_process)
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("set CELERY_BROKER_URL (Redis): documents render in real Celery workers")
    actor = User.objects.filter(organization=office).order_by("pk").first() or User.objects.filter(
        is_superuser=True).first()
    # One document per case, as in life: re-issuing the same type for one case supersedes the earlier version,
    # and those renders queue on that case's rows.
    need = args.workers * 2 + args.single + args.batch
    cases = iter(Case.objects.filter(organization=office).order_by("-pk")[:need])
    assert actor is not None and actor.has_role(Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF, Role.SYSADMIN) \
        or actor.is_superuser
    started_at = timezone.now()
    workers = start_workers(args.workers, "/tmp")
    try:
        warm = [queue_one(actor, next(cases), office).pk for _ in range(args.workers * 2)]
        wait_rendered(warm, timeout=180)  # fonts load once per worker process
        single = []
        for _ in range(args.single):
            t = time.monotonic()
            doc = queue_one(actor, next(cases), office)
            single.append((wait_rendered([doc.pk]) - t) * 1000)
        t0 = time.monotonic()
        ids = [queue_one(actor, next(cases), office).pk for _ in range(args.batch)]
        queued = time.monotonic() - t0
        t1 = wait_rendered(ids)
    finally:
        for p in workers:
            p.terminate()
        for p in workers:
            p.wait(timeout=30)
    single.sort()
    pages = Counter(Document.objects.filter(issued_at__gte=started_at, state=Document.State.RENDERED)
                    .values_list("page_count", flat=True))
    print(f"{args.workers} Celery worker processes (concurrency 1 each), 行政裁决书, pages per document: "
          f"{dict(pages)}")
    print(f"single document, queue to stored: p50 {statistics.median(single):.0f} ms, "
          f"p95 {single[int(0.95 * len(single)) - 1]:.0f} ms ({args.single} documents, one at a time)")
    print(f"batch of {args.batch}: {args.batch / (t1 - t0):.1f} documents/s ({t1 - t0:.1f} s from the first queued "
          f"to the last stored; queueing itself {queued:.1f} s)")
    if args.in_process:
        report_in_process(office, args.in_process)


def report_in_process(office, n):
    times, pages = render_in_process(Case.objects.filter(organization=office).order_by("pk").first(), office, n)
    print(f"in process, one {pages}-page render: median {statistics.median(times):.0f} ms, min {times[0]:.0f} ms, "
          f"max {times[-1]:.0f} ms ({n} renders after a warm-up)")


if __name__ == "__main__":
    main()
