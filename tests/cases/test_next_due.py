"""``Case.next_due``: the stored soonest running deadline the queues sort and count by (issue 8).

It is derived data kept by ``cases.services.deadlines`` alone: every change of a deadline's state
or due date there refreshes it, and nothing else in the code base writes a deadline's state or due
date (the scan below), so it cannot drift from the deadlines.
"""
import ast
import datetime
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStatus, Deadline, HolidayOverride
from cases.services import (
    deadline_cancel,
    deadline_complete,
    deadline_extend,
    deadline_open,
    deadline_refresh_provisional,
    deadline_resume,
    deadline_stop,
    deadlines_resume_all,
    deadlines_stop_all,
)
from tests.concurrency import errors, race
from tests.factories import OrganizationFactory
from tests.markers import postgres_only
from tests.mediation.conftest import _fresh_permission_ids, in_mediation, med, new_case, people  # noqa: F401

D = date
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def case(db):
    org = OrganizationFactory()
    return Case.objects.create(
        organization=org, district=org.district, title="李明与某公司实用新型专利侵权纠纷",
        dispute_type="infringement", facts="事实", claims="请求",
    )


def computed(case):
    """What ``next_due`` must be: the minimum due date of the case's running deadlines."""
    return Deadline.objects.filter(case=case, state=Deadline.State.RUNNING).aggregate(m=Min("due_date"))["m"]


def stored(case):
    return Case.objects.values_list("next_due", flat=True).get(pk=case.pk)


def check(case, expected):
    assert stored(case) == computed(case) == expected


def open_days(case, kind, start, length, unit="days"):
    return deadline_open(case=case, kind=kind, label=kind, unit=unit, length=length, start_date=start)


def test_next_due_follows_every_deadline_change(case):
    check(case, None)
    limit = open_days(case, "limit", D(2026, 3, 2), 30)            # 04-01
    check(case, D(2026, 4, 1))
    answer = open_days(case, "answer", D(2026, 3, 2), 15)          # 03-17, sooner
    check(case, D(2026, 3, 17))
    deadline_stop(deadline=answer, on=D(2026, 3, 5))               # the sooner one stops: the later one leads
    check(case, D(2026, 4, 1))
    deadline_resume(deadline=answer, on=D(2026, 3, 20))            # 12 days left from 03-20: 04-01 -> next working day
    answer.refresh_from_db()
    check(case, min(answer.due_date, D(2026, 4, 1)))
    deadline_extend(deadline=limit, unit="months", length=1)        # the later one moves further
    check(case, answer.due_date)
    deadline_extend(deadline=answer, unit="days", length=60)        # now the extended answer is the later one
    limit.refresh_from_db()
    answer.refresh_from_db()
    assert answer.due_date > limit.due_date
    check(case, limit.due_date)
    deadline_complete(deadline=limit)                               # met: the other leads
    check(case, answer.due_date)
    deadline_cancel(deadline=answer)                                # nothing runs
    check(case, None)


def test_stop_all_and_resume_all_clear_and_restore_it(case):
    open_days(case, "a", D(2026, 3, 2), 10)
    open_days(case, "b", D(2026, 3, 2), 20)
    deadlines_stop_all(case=case, on=D(2026, 3, 4))
    check(case, None)                                               # a stopped clock is not a due date
    deadlines_resume_all(case=case, on=D(2026, 3, 9))
    check(case, computed(case))
    assert stored(case) is not None


def test_completing_a_stopped_deadline_leaves_the_running_one(case):
    stopped = open_days(case, "a", D(2026, 3, 2), 5)
    open_days(case, "b", D(2026, 3, 2), 20)
    deadline_stop(deadline=stopped, on=D(2026, 3, 3))
    deadline_complete(deadline=stopped)
    check(case, D(2026, 3, 23))


def test_recount_of_a_provisional_year_moves_it(case):
    d = open_days(case, "a", D(2026, 12, 28), 5, unit="working_days")
    assert d.provisional and stored(case) == d.due_date
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    HolidayOverride.objects.create(date=D(2027, 1, 4), is_workday=False, name="测试假日")
    assert deadline_refresh_provisional(year=2027) == 1
    d.refresh_from_db()
    check(case, d.due_date)


def test_the_derived_field_writes_no_event_and_leaves_updated_at(case):
    before_updated = Case.objects.values_list("updated_at", flat=True).get(pk=case.pk)
    d = open_days(case, "a", D(2026, 3, 2), 5)
    deadline_complete(deadline=d)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["deadline_opened", "deadline_completed"]     # the deadline's own events only
    assert Case.objects.values_list("updated_at", flat=True).get(pk=case.pk) == before_updated


def test_the_migration_backfill_is_one_statement_that_matches(case, db):
    """The migration's UPDATE … FROM fills every case from its running deadlines (SQLite and PostgreSQL)."""
    import importlib

    backfill = importlib.import_module("cases.migrations.0007_case_next_due").BACKFILL
    assert backfill.strip().upper().startswith("UPDATE") and ";" not in backfill.strip()
    other = Case.objects.create(organization=case.organization, district=case.district, title="另一案",
                                dispute_type="infringement", facts="事实", claims="请求")
    open_days(case, "a", D(2026, 3, 2), 5)
    open_days(case, "b", D(2026, 3, 2), 3)
    met = open_days(other, "c", D(2026, 3, 2), 3)
    deadline_complete(deadline=met)
    Case.objects.update(next_due=D(2000, 1, 1))                     # forget the stored values
    Case.objects.filter(pk=other.pk).update(next_due=None)
    with connection.cursor() as cursor:
        cursor.execute(backfill)
    check(case, D(2026, 3, 5))
    check(other, None)


# --- through the chain --------------------------------------------------------------------------------

def test_intake_queue_shows_the_triage_then_the_supplement_date(med, people):  # noqa: F811 - fixtures imported above
    """The clerk's queue reads ``next_due``: the triage date, the 补正 date while it runs, and the triage
    date again (moved by the stop) after the answer; overdue counts by ``next_due < today``."""
    from cases.intake import services as intake
    from cases.intake.selectors import intake_queue, overdue_count

    case = new_case(med, people)
    triage = Deadline.objects.get(case=case, kind="intake_triage")
    row = intake_queue(med.clerk).get(pk=case.pk)
    assert (row.due_date, row.due_state) == (triage.due_date, "running") and stored(case) == triage.due_date
    intake.intake_request_supplement(actor=med.clerk, case=case, items=["claims"])
    supplement = Deadline.objects.get(case=case, kind="intake_supplement")
    row = intake_queue(med.clerk).get(pk=case.pk)
    assert (row.due_date, row.due_state) == (supplement.due_date, "running")
    check(case, supplement.due_date)
    intake.intake_answer_supplement(actor=people.applicant, case=case, answer_text="已补充")
    triage.refresh_from_db()
    assert triage.state == Deadline.State.RUNNING
    check(case, triage.due_date)
    assert overdue_count(med.clerk) == 0
    Deadline.objects.filter(pk=triage.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    Case.objects.filter(pk=case.pk).update(next_due=timezone.localdate() - datetime.timedelta(days=1))
    assert overdue_count(med.clerk) == 1


def test_my_cases_keeps_the_mediation_deadline_of_a_case_at_the_court(med, people):  # noqa: F811 - fixtures imported above
    """A follow-up case waiting for the court's 司法确认 ruling runs the judge's 15-day limit and the
    mediator's 20-day 回访 date: the mediator's list shows the 回访 date, while ``next_due`` is the
    court's (the one narrower notion kept, see ``mediation.selectors._mediation_due``)."""
    from cases.tribunal import services as tribunal
    from mediation import selectors
    from tests.tribunal.conftest import confirmation_filed

    med.court_clerk = med.clerk_station
    case = confirmation_filed(med, people)
    tribunal.confirmation_accept(actor=med.clerk_station, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMATION_PENDING
    performance = Deadline.objects.get(case=case, kind="mediation_performance")
    ruling = Deadline.objects.get(case=case, kind="tribunal_confirmation_ruling")
    assert ruling.due_date < performance.due_date
    check(case, ruling.due_date)
    row = selectors.my_cases(med.expert).get(pk=case.pk)
    assert row.mediation_due == performance.due_date and row.next_due_label == performance.label


def test_committee_queue_and_my_cases_sort_by_the_stored_date(med, people):  # noqa: F811 - fixtures imported above
    from mediation import selectors
    from mediation import services as med_services

    cases = [in_mediation(med, people) for _ in range(3)]
    queue = list(selectors.committee_queue(med.director))
    assert [c.pk for c in queue] == [c.pk for c in sorted(cases, key=lambda c: (stored(c), c.submitted_at, c.pk))]
    assert all(c.mediation_due == stored(c) is not None for c in queue)
    med_services.mediation_assign(actor=med.director, case=cases[0], mediator=med.expert)
    med_services.mediation_assignment_accept(actor=med.expert, case=cases[0], conflict=False)
    [mine] = selectors.my_cases(med.expert)
    assert mine.pk == cases[0].pk and mine.mediation_due == stored(cases[0]) == computed(cases[0])


# --- one writer -------------------------------------------------------------------------------------

WRITER = Path("cases/services/deadlines.py")
SCANNED = ("cases", "mediation", "workflows", "config", "bench")
WRITE_METHODS = {"update", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
FIELDS = {"state", "due_date"}


def _writes(path: Path) -> list[str]:
    """Lines of ``path`` that may write a deadline's state or due date outside the deadline services."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            chain = ast.get_source_segment(source, node.func.value) or ""
            about_deadlines = "Deadline" in chain or "deadline" in chain.lower()
            keywords = {k.arg for k in node.keywords}
            method = node.func.attr
            if about_deadlines and method in WRITE_METHODS and (
                method != "update" or keywords & FIELDS
            ) and not chain.startswith(("ReminderLog", "MediationConsent", "CourtDelegation")):
                found.append(f"{path}:{node.lineno}: {method}")
            if about_deadlines and method == "save":
                fields = next((k.value for k in node.keywords if k.arg == "update_fields"), None)
                names = {e.value for e in getattr(fields, "elts", []) if isinstance(e, ast.Constant)}
                if fields is None or names & FIELDS:
                    found.append(f"{path}:{node.lineno}: save")
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in FIELDS:
                    owner = (ast.get_source_segment(source, target.value) or "").lower()
                    if "deadline" in owner:
                        found.append(f"{path}:{node.lineno}: {owner}.{target.attr} =")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if "cases_deadline" in text and ("update " in text or "insert " in text):
                found.append(f"{path}:{node.lineno}: SQL")
    return found


def test_only_the_deadline_services_write_deadline_state_or_due_date():
    offenders = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel == WRITER or "migrations" in rel.parts:
                continue
            offenders += _writes(path)
    assert offenders == [], "write deadlines through cases.services.deadlines (it keeps Case.next_due):\n" + \
        "\n".join(offenders)


def test_the_scan_recognises_a_write(tmp_path):
    """The scan above can fail: each kind of write it looks for is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "Deadline.objects.filter(pk=1).update(state='met')\n"
        "case.deadlines.create(kind='x', due_date=d)\n"
        "deadline.due_date = d\n"
        "deadline.save(update_fields=['state'])\n"
        "cursor.execute('UPDATE cases_deadline SET state = 1')\n"
        "Deadline.objects.filter(pk=1).update(assignee=None)\n",   # not state or due date: allowed
        encoding="utf-8",
    )
    assert len(_writes(sample)) == 5


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------

@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_leave_the_right_date():
    """One transaction meets the soonest deadline while another opens a later one: the second waits for the
    case's row and then counts with the first's change (an UPDATE that waited for the row without the lock
    would keep its earlier snapshot and store the met deadline's date)."""
    org = OrganizationFactory()
    case = Case.objects.create(organization=org, district=org.district, title="并发", dispute_type="infringement",
                               facts="事实", claims="请求")
    soonest = open_days(case, "a", D(2026, 3, 2), 5)

    def meet():
        with transaction.atomic():
            deadline_complete(deadline=Deadline.objects.get(pk=soonest.pk))
            time.sleep(0.5)  # hold the case's row while the other starts

    def open_later():
        time.sleep(0.2)
        with transaction.atomic():
            open_days(Case.objects.get(pk=case.pk), "b", D(2026, 3, 2), 20)

    assert errors(race(meet, open_later)) == []
    check(case, D(2026, 3, 23))
