"""The aggregates: incremental runs give what a full rebuild gives; the overdue roll-over; the lock;
the beat task and the command; percentiles that are the same on every database."""
import datetime

import pytest
from django.core.management import call_command

from cases.models import CaseStatus
from cases.services import case_change_status
from cases.statistics.models import CaseContribution, DailyFact, DurationBucket, RefreshState, RepeatRespondent
from cases.statistics.refresh import build_spans, refresh_aggregates
from cases.statistics.selectors import percentile
from cases.surveys.models import SurveyInvitation
from tests.statistics.world import answer, at

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in DailyFact._meta.concrete_fields if f.attname != "id"]


def snapshot():
    return (
        sorted(tuple(str(v) for v in row) for row in DailyFact.objects.values_list(*FIELDS)),
        sorted(DurationBucket.objects.values_list("day", "organization_id", "tier", "ip_kind", "days", "count")),
        sorted(RepeatRespondent.objects.values_list("level", "district_id", "organization_id", "credit_code",
                                                    "cases", "open_cases")),
    )


def test_incremental_runs_match_a_full_rebuild(world, clock):
    c = world.cases
    who = world.who
    clock.set(at(4, 2))
    case_change_status(case=c.c4, actor=who.officer, to=CaseStatus.ADJUDICATION_DECIDED)
    clock.set(at(4, 3))
    case_change_status(case=c.c4, actor=who.officer, to=CaseStatus.ADJUDICATED)
    clock.set(at(4, 3, 11))
    result = refresh_aggregates()
    assert result["mode"] == "incremental" and result["cases"] == 2  # C4, and C6 whose deadline fell due on 4-1
    from cases.surveys.tasks import invite_closed_cases

    invite_closed_cases.delay()
    clock.set(at(4, 4))
    invitation = SurveyInvitation.objects.get(case=c.c4, party__role="applicant")
    answer(invitation, (2, 2, 2, 2, 2), recommend=False)
    clock.set(at(4, 4, 0, ).replace(minute=5))
    refresh_aggregates()
    incremental = snapshot()
    refresh_aggregates(full=True)
    assert snapshot() == incremental
    # and what changed is right: C4 closed on 4-3 after 3 + 21 days in adjudication, 24 in all
    assert DurationBucket.objects.get(tier="adjudication").days == 21
    assert DailyFact.objects.filter(day=datetime.date(2026, 4, 3), handler=None, closed=1).count() == 1
    assert DailyFact.objects.filter(day=datetime.date(2026, 4, 4), handler=None, responses=1).exists()


def test_a_deadline_falling_due_makes_its_case_overdue_without_any_event(world, clock):
    open_overdue = DailyFact.objects.filter(day=None, handler=None, district=world.bishan.centre.district)
    assert sum(open_overdue.values_list("overdue", flat=True)) == 1
    clock.set(at(4, 2, 1))  # C6's triage deadline (5 working days from 3-25) was due on 4-1
    result = refresh_aggregates()
    assert result["cases"] == 1  # only C6: nothing else changed
    assert sum(open_overdue.values_list("overdue", flat=True)) == 2


def test_a_run_that_finds_another_running_does_nothing(world, clock):
    RefreshState.objects.update(running_since=clock.now)
    assert refresh_aggregates() == {"skipped": True}
    clock.set(at(4, 1))  # a crashed run's lock is taken over after two hours
    assert refresh_aggregates()["skipped"] is False
    assert RefreshState.objects.get().running_since is None


def test_a_day_range_rebuild_gives_the_same(world):
    before = snapshot()
    DailyFact.objects.filter(day__month=3).delete()
    result = refresh_aggregates(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31))
    assert result["mode"] == "range"
    assert snapshot() == before


def test_the_beat_task_and_the_command(world, clock, capsys):
    from cases.statistics.tasks import refresh_aggregates as task

    clock.set(at(4, 1))
    assert task.delay().get()["mode"] == "incremental"
    assert task.delay(full=True).get()["mode"] == "full"
    call_command("refresh_statistics")
    call_command("refresh_statistics", "--from", "2026-03-01", "--to", "2026-03-31")
    out = capsys.readouterr().out
    assert "Statistics refreshed (incremental)" in out and "Statistics refreshed (range)" in out
    assert RefreshState.objects.get().last_full_at == at(4, 1)


def test_deleted_cases_leave_no_trace_after_a_full_rebuild(world):
    assert CaseContribution.objects.exists()
    refresh_aggregates(full=True)
    assert DailyFact.objects.filter(received__gt=0).exists()


def test_spans_follow_tier_changes_and_take_the_last_organisation():
    t = [datetime.datetime(2026, 3, d, 10, tzinfo=datetime.UTC) for d in range(1, 10)]
    case = {"tier": "mediation", "organization_id": 2, "submitted_at": t[0], "status": "mediated", "closed_at": t[5]}
    events = [
        {"kind": "status_changed", "created_at": t[2], "before": {"status": "submitted", "tier": "intake"},
         "after": {"status": "mediation_assignment", "tier": "mediation"}},
        {"kind": "organization_changed", "created_at": t[2], "before": {"organization": 1},
         "after": {"organization": 2}},
        {"kind": "status_changed", "created_at": t[5], "before": {"status": "mediating", "tier": "mediation"},
         "after": {"status": "mediated", "tier": "mediation"}},
    ]
    spans = build_spans(case, events)
    assert [(s.tier, s.org, s.start.day, s.end.day) for s in spans] == [("intake", 1, 1, 3), ("mediation", 2, 3, 6)]


def test_a_terminated_mediation_ends_when_it_terminates_not_when_the_case_moves_on():
    t = [datetime.datetime(2026, 3, d, 10, tzinfo=datetime.UTC) for d in range(1, 20)]
    case = {"tier": "adjudication", "organization_id": 3, "submitted_at": t[0], "status": "adjudicating",
            "closed_at": None}
    events = [
        {"kind": "status_changed", "created_at": t[1], "before": {"status": "submitted", "tier": "intake"},
         "after": {"status": "mediation_consent", "tier": "mediation"}},
        {"kind": "status_changed", "created_at": t[4], "before": {"status": "mediation_consent", "tier": "mediation"},
         "after": {"status": "mediation_terminated", "tier": "mediation"}},
        {"kind": "status_changed", "created_at": t[15], "before": {"status": "mediation_terminated",
                                                                    "tier": "mediation"},
         "after": {"status": "adjudication_review", "tier": "adjudication"}},
    ]
    spans = build_spans(case, events)
    assert [(s.tier, s.start.day, s.end.day if s.end else None) for s in spans] == [
        ("intake", 1, 2), ("mediation", 2, 5), ("adjudication", 16, None)]


@pytest.mark.parametrize(("buckets", "p", "expected"), [
    ([(1, 1), (2, 2), (3, 1)], 0.5, 2.0),
    ([(1, 1), (2, 2), (3, 1)], 0.9, 2.7),  # ranks 0..3: 0.9 x 3 = 2.7 → 2 + 0.7 x (3 - 2)
    ([(8, 1), (15, 1)], 0.5, 11.5),
    ([(8, 1), (15, 1)], 0.9, 14.3),
    ([(1, 1), (10, 1), (17, 1)], 0.9, 15.6),
    ([(7, 1)], 0.9, 7.0),
    ([(4, 0)], 0.5, None),
    ([], 0.5, None),
    ([(10, 3), (2, 1)], 0.5, 10.0),  # unsorted input
])
def test_percentiles_interpolate_like_percentile_cont(buckets, p, expected):
    result = percentile(buckets, p)
    assert result == expected if expected is None else round(result, 6) == expected
